# Portail OS-IAE: the project's vocabulary. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

# Operations targets run with the environment's settings; DEBUG only when nothing says otherwise (local use).
OPS_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}
BACKUP_DIR ?= backups

# Production-like settings for `check --deploy` (never used to serve).
DEPLOY_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=ci-only-0f3c9a7e5b1d4e2a8c6b0d9f7e5a3c1b2d4f6a8c0e DJANGO_ALLOWED_HOSTS=portail.example.org

.PHONY: run test lint format bench venv migrate seed clean backup restore loadtest

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 ou plus est nécessaire"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: venv
	DJANGO_DEBUG=true $(MANAGE) migrate --noinput

seed: migrate
	DJANGO_DEBUG=true $(MANAGE) seed_demo

run: seed
	DJANGO_DEBUG=true $(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Portail OS-IAE : http://$(HOST):$(PORT)/ (comptes de démonstration dans le README)"
	@# One task worker beside the server; both stop with Ctrl-C.
	DJANGO_DEBUG=true $(MANAGE) db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	DJANGO_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	$(BIN)/python -m bench

# Load tests: locust in its own venv (it pulls gevent), never in .venv.
LOAD_VENV := .venv-load
LOAD_STAMP := $(LOAD_VENV)/.installed

$(LOAD_STAMP): requirements-load.txt
	test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet -r requirements-load.txt
	touch $(LOAD_STAMP)

loadtest: venv $(LOAD_STAMP)
	$(BIN)/python -m loadtest

backup: venv
	$(OPS_ENV) $(MANAGE) backup --dir $(BACKUP_DIR)

restore: venv
	@test -n "$(BACKUP)" || { echo "Indiquez la sauvegarde : make restore BACKUP=$(BACKUP_DIR)/AAAAMMJJ-HHMMSS"; exit 2; }
	$(OPS_ENV) $(MANAGE) restore $(BACKUP)

clean:
	rm -rf $(VENV) $(LOAD_VENV) staticfiles db.sqlite3
