# CRM 360 — everyday commands. Only Python 3.11+ is needed: the database falls back to an
# embedded PostgreSQL (pgserver) under var/ when DATABASE_URL is not set, and tasks run
# in-process when REDIS_URL is not set.
ifneq (,$(wildcard .env))
include .env
export
endif

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
SCALE ?= small

.PHONY: install run migrate seed test test-fast test-resilience lint format check bench worker beat stop-db clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	-$(PY) scripts/fetch_static_vendor.py
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py init_db_roles

seed: migrate
	$(PY) manage.py seed_demo --scale $(SCALE)

run: seed
	@echo "Serveur : http://$(HOST)/  (Ctrl+C pour arrêter)"
	$(PY) manage.py runserver $(HOST)

worker: install
	$(BIN)/celery -A crm worker --loglevel=info

beat: install
	$(BIN)/celery -A crm beat --loglevel=info

test: install
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Load and outage tests (tests/resilience/README.md): their own PostgreSQL, Redis, gunicorn and
# Celery workers on loopback, and the large fuzzing (1,000 examples per main form).
test-resilience: install
	HYPOTHESIS_PROFILE=resilience timeout --signal=TERM 40m $(BIN)/pytest -m resilience -p no:cacheprovider $(PYTEST_ARGS) tests/resilience tests/fuzz

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	DJANGO_SETTINGS_MODULE=crm.settings.production $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	@echo "Benchmarks live in bench/; each script documents its data and prints p50/p95."

stop-db: install
	$(PY) -c "from pathlib import Path; from crm.embedded_db import stop; stop(Path('var/pgdata'))"

clean:
	rm -rf $(VENV) var/static .pytest_cache
