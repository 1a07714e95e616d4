"""Laporan: staff choose a period, scope, language and format; a separate process writes the file."""
