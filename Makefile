# The README's two commands, and a few helpers. Needs Python 3.11 or newer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export APP_ENV ?= development
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-fast test-browser security install install-dev migrate seed lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A random secret for local use only, kept out of git in instance/.
instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

migrate: install instance/secret_key
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) db upgrade

seed: migrate
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) seed

run: seed
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) run --host $(HOST) --port $(PORT)

# `make test` runs every test, the browser and accessibility tests in tests/browser included when
# Chromium is found (CHROMIUM_PATH, default /usr/bin/chromium): without it they are skipped and
# the summary says so, unless REQUIRE_BROWSER=1 makes that a failure (CI sets it).
# TEST_DATABASE_URL=postgresql://... runs the database tests on PostgreSQL instead of SQLite.
# PYTEST_ARGS passes options on, e.g. make test PYTEST_ARGS="-x -k shortlist". See docs/testing.md.
test: install-dev
	APP_ENV=testing $(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser tests (quick), and only the browser tests.
test-fast: install-dev
	APP_ENV=testing $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install-dev
	APP_ENV=testing $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Security lint of the app's code: fails on any high-severity finding.
security: install-dev
	$(BIN)/bandit -q -r localoffer -lll

# Ruff, then the import contracts in pyproject.toml ([tool.importlinter]; docs/architecture.md).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache
