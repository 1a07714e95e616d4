# Lawang Jabo dashboard: developer and CI entry points. `make` alone lists the targets.
#
# The virtualenv is rebuilt only when a requirements file changes: each install leaves a
# stamp file in .venv, and make compares its time with the requirements file it came from.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --no-input
PYTEST_ARGS ?=
SEED_ARGS ?=

.PHONY: help venv run test lint format bench migrate seed clean

help: ## list the targets
	@echo "Lawang Jabo - make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'
	@echo "Variables: PYTHON=$(PYTHON)  PYTEST_ARGS='...' (make test)  SEED_ARGS='...' (make seed)"

# pyvenv.cfg is written early by `python -m venv`, so a failed run (no ensurepip) would look
# finished; the stamp is touched only once pip works inside the new venv.
$(VENV)/.created:
	@test -n "$(PYTHON)" || { echo "no python3.11 or python3 on PATH (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "venv creation failed (Debian: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip --version >/dev/null
	@touch $@

$(VENV)/.installed-run: requirements.txt | $(VENV)/.created
	$(PIP) install --quiet -r requirements.txt
	@touch $@

# requirements-dev.txt includes requirements.txt, so a change to either reinstalls it.
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-run
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed-dev ## create/update .venv with runtime and dev dependencies

run: $(VENV)/.installed-run ## migrate, seed an empty database, start the app (Ctrl-C stops all)
	$(PY) -m demo.run

test: $(VENV)/.installed-dev ## run the tests (PYTEST_ARGS='-k launcher -x' to select)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-dev ## print benchmark figures (bench/stats.py, bench/reports.py, bench/cameras.py, bench/ingest.py, bench/serve.py)
	$(PY) bench/stats.py
	$(PY) bench/reports.py
	$(PY) bench/cameras.py
	$(PY) bench/ingest.py
	$(PY) bench/serve.py

# Production (docs/deploy.md): no demo data, no simulators. SERVE_ARGS='--web-only' for an extra
# web host, '--scheduler-only' for a scheduler host.
SERVE_ARGS ?=
.PHONY: serve
serve: $(VENV)/.installed-run ## production: migrate, then gunicorn (WEB_WORKERS) and the scheduler
	$(PY) -m deploy.serve $(SERVE_ARGS)

migrate: $(VENV)/.installed-run ## bring DATABASE_URL to the current schema
	$(PY) -m store.migrate

seed: $(VENV)/.installed-run ## add demo complaints to DATABASE_URL (SEED_ARGS='--complaints 5000 --days 365')
	$(PY) -m demo.seed $(SEED_ARGS)

clean: ## delete the default SQLite database files under var/ (keeps .venv and everything else)
	rm -f var/*.db var/*.db-wal var/*.db-shm
