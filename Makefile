# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app scheduler
PORT   ?= 5000
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint format translations install-test clean node-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

translations: $(STAMP)
	$(FLASK) translate compile

run: translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) first-run
	$(FLASK) serve --host 127.0.0.1 --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Test-only JavaScript tools (ical.js parses what we emit); skipped where there is no npm.
node-tools:
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the ical.js checks will be skipped"; fi

# The iCalendar tests run once more under -O: nothing may rest on an assert in the library.
test: translations lint node-tools
	$(BIN)/python -m pytest
	$(BIN)/python -O -m pytest -q -p no:cacheprovider tests/test_ical.py tests/test_invites_ical.py

clean:
	rm -rf $(VENV) node_modules instance/scheduler.db
