"""PDF / XLSX / CSV rendering from the read-side queries (the reports issue fills this in)."""
