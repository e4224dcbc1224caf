# kaderasi — `make demo` runs it, `make test` tests it. Needs Python 3.11+ and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
# worksteal: a worker that runs out of tests takes the rest of another's, so the slow browser
# tests at the end of one worker's share do not leave the other core idle. A stolen test runs out
# of pytest-django's order (database tests before the transactional ones that empty the tables):
# the seeded catalogues are put back before a database test that follows a flush (decision 0210).
# Two workers per core (JOBS): a browser test spends most of its time waiting on Chromium, the live
# server and the service worker, so with one worker per core the cores were idle half the time (a
# quiet two-core machine: -n 2 took 367 s wall for 373 CPU s, -n 4 263 s; decision 0270).
JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
PYTEST_ARGS ?= -n $(JOBS) --dist worksteal
# `make install` installs exactly the versions (and hashes) of requirements.lock; `make lock`
# updates it after a change to the dependencies in pyproject.toml. --no-compile: compiling every
# installed module to bytecode took 37 of the install's 62 CPU seconds; Python compiles the
# modules kaderasi imports the first time `make test` imports them (into $(VENV)/pycache, below).
LOCK := requirements.lock

.PHONY: install lock demo test coverage lint format messages check bench vendor clean

$(STAMP): pyproject.toml $(LOCK)
	@echo "== installing the locked packages into $(VENV) (one line per package)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on \
		--require-hashes --no-deps --no-compile -r $(LOCK)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet \
		--no-deps --no-build-isolation -e .
	@$(BIN)/python -m pip check --disable-pip-version-check >/dev/null || { \
		$(BIN)/python -m pip check --disable-pip-version-check; \
		echo "$(LOCK) lacks what pyproject.toml asks for: run make lock"; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# uv resolves for every platform and Python >= 3.11, keeping the versions already locked unless
# pyproject.toml needs others. hatchling and editables (the build backend of the editable
# install) are locked too: the project installs without build isolation, so nothing is
# downloaded unhashed.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet 'uv>=0.9,<1'
	printf 'hatchling>=1.25\neditables>=0.5\n' | $(BIN)/uv pip compile pyproject.toml - --extra test --universal \
		--python-version 3.11 --generate-hashes --quiet --custom-compile-command 'make lock' \
		-o $(LOCK)

# The demo, the tests and the benchmarks write the bytecode of what they import (Django, the
# libraries, kaderasi, pytest's rewritten test modules) to $(VENV)/pycache, even where
# PYTHONDONTWRITEBYTECODE is set, and read it back in every later process: without it the
# controller, each xdist worker and each Python a test starts compiled every module again
# (collecting took 24 CPU seconds instead of 8), and each `kaderasi evaluate` of the report
# benchmark 3 CPU seconds more (decisions 0230, 0240).
# The source tree stays free of __pycache__ (decision 0240).
PYCACHE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache

demo: $(STAMP)
	$(PYCACHE) DEBUG=$${DEBUG:-true} $(BIN)/kaderasi demo --addr $(ADDR)

test: $(STAMP)
	$(PYCACHE) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite with line coverage of the application (what `.ci/run` prints).
coverage: $(STAMP)
	$(PYCACHE) $(BIN)/python -m pytest $(PYTEST_ARGS) --cov --cov-report=term

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
	$(PYCACHE) $(BIN)/python bench/run.py $(BENCH)

vendor:
	$(PYTHON) scripts/vendor.py

clean:
	rm -rf $(VENV) .venv-coverage var .pytest_cache
