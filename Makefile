# Practica: `make run` (demo clinic on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PRACTICA_DEBUG ?= 1

.PHONY: run test test-fast test-postgres test-browser lint typecheck bench demo clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null

typecheck: $(STAMP)
	$(BIN)/mypy practica

# The whole suite on SQLite (browser tests run in `make test-browser`, which needs
# Chromium from Debian: .ci/run installs it).
test: lint typecheck
	$(BIN)/pytest -n 2 -m "not browser" -q

test-postgres: $(STAMP)
	PRACTICA_DATABASE=postgres $(BIN)/pytest -n 2 -m "not browser" -q

# The browser tests' live server answers several requests at once (the board
# loads its events and waitlist matches together), so they run on a SQLite file
# with WAL and a busy timeout, as `make run` does: the in-memory test database's
# shared cache refuses concurrent readers with "database table is locked".
test-browser: $(STAMP)
	mkdir -p var
	PRACTICA_SQLITE_TEST_PATH=var/test-browser.sqlite3 $(BIN)/pytest -m browser -q -p no:xdist

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var test-artifacts
