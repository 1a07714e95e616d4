"""Kamera: live snapshot tiles of every camera, filters, and a larger view per camera."""
