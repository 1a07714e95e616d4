"""Production deployment: `python -m deploy.serve` (behind `make serve`); see docs/deploy.md."""
