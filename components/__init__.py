"""Pure builders of figures, cards, tables and the shell. No I/O, no SQL."""
