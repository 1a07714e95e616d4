"""Scheduled work, one module a job, and the jobs process (`python -m jobs`); never imported by the web."""
