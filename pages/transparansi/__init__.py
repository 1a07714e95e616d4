"""Transparansi: the public landing page (suppressed aggregates, public cameras, open data)."""
