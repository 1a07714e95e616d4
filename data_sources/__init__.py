"""Adapters to the outside world: fetch, parse, validate. They never schedule and never write SQL."""
