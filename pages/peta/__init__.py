"""Peta: the city map (cameras by health, complaints per kecamatan, complaint points)."""
