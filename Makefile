# kaderasi — `make demo` runs it, `make test` tests it. Needs Python 3.11+ and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: install demo test lint format messages check bench vendor clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/kaderasi demo --addr $(ADDR)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Update the Indonesian catalogue after changing user-facing strings (needs GNU gettext); it lists
# what still needs a translation. `make messages TRANSLATIONS=file.json` fills those from a JSON file.
messages: $(STAMP)
	DEBUG=true $(BIN)/kaderasi makemessages --locale id --no-obsolete --no-location \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'kaderasi/static/vendor/*' --ignore 'bench/*'
	$(BIN)/python scripts/po_fill.py $(TRANSLATIONS)

check: $(STAMP)
	DEBUG=true $(BIN)/kaderasi makemigrations --check --dry-run

# Speed and memory goals are measured here, never in timed unit tests; results in bench/results.json.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH)

vendor:
	$(PYTHON) scripts/vendor.py

clean:
	rm -rf $(VENV) var .pytest_cache
