# Quorum's everyday commands. `make run` and `make test` work on a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run dev prepare-database test check install install-dev lint format translations translate-update migrate-check clean bench

$(BIN)/python:
	@echo "==> Creating a virtual environment in $(VENV)/"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> Installing Quorum and its dependencies (the first time takes a minute or two)"
	@$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "==> Installing Quorum with its development tools (the first time takes a few minutes)"
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, add the demo to an empty database, serve on http://127.0.0.1:5000
##      (another port: make run PORT=8000)
run: install translations prepare-database
	@echo "==> Quorum is starting on http://$(HOST):$(PORT)/ (demo sign-in: alice / demo-password-1; Ctrl+C stops it)"
	@echo "==> Without MAIL_SERVER, mail (password reset, confirmations) is written to instance/outbox/*.eml"
	@$(FLASK) run --host $(HOST) --port $(PORT)

## dev: as `run`, with the reloader and the debugger, for people changing code or templates
dev: install translations prepare-database
	@echo "==> Quorum (development: reloads on changes, shows the debugger) on http://$(HOST):$(PORT)/"
	@$(FLASK) run --debug --host $(HOST) --port $(PORT)

prepare-database:
	@echo "==> Bringing the database up to date (flask db upgrade)"
	@$(FLASK) db upgrade
	@echo "==> Adding the demo communities and people to an empty database"
	@$(FLASK) seed-demo --if-empty

## test: lint, format check, types and the whole suite (TEST_DATABASE_URL/TEST_REDIS_URL pick engines)
test: install-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy webapp
	$(BIN)/pytest $(PYTEST_ARGS)

## check: the quick loop: lint, format check, types and the suite without browser/deployment tests
check: install-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy webapp
	$(BIN)/pytest -m "not browser and not deployment" $(PYTEST_ARGS)

## bench: load-test gunicorn + PostgreSQL + Redis with wrk (DATABASE_URL seeded, REDIS_URL;
##        options: BENCH_ARGS="--rounds 3"); writes docs/performance.md
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## translations: compile the catalogs (.mo files are built, never committed), when a .po changed
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
translations: install $(MO_FILES)
	@echo "==> The translations are compiled (translations/*/LC_MESSAGES/messages.mo)"

$(MO_FILES) &: $(PO_FILES) | $(VENV)/.installed
	@echo "==> Compiling the translations"
	@$(FLASK) translate compile

translate-update: install
	$(FLASK) translate update

migrate-check: install
	$(FLASK) db upgrade
	$(FLASK) db check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
