# The README's two commands, and a few helpers. Needs Python 3.11 or newer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export APP_ENV ?= development
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install install-dev migrate seed lint format clean

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

test: install-dev
	APP_ENV=testing $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
