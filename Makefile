# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck layers check postgres clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Create the embedded database, load the synthetic national history, print the latest headline
## and write its national overview to var/overview-2018-02.html.
demo: $(STAMP)
	$(BIN)/msops demo --overview var/overview-2018-02.html

## The whole test suite (PostgreSQL leg runs when MSOPS_TEST_POSTGRES_URL's server answers), on
## every core, each test file in one worker (shared module fixtures, one browser): TEST_WORKERS=0
## runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	bash scripts/system-packages.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## The import contracts in pyproject.toml: each layer of msops imports only the layers below it.
## (No cache: it would be written into the checkout, and the graph builds in under a second.)
layers: $(STAMP)
	$(BIN)/lint-imports --no-cache

check: lint typecheck layers test

## Start a local PostgreSQL for the tests (Debian's package; needs root to install).
postgres:
	bash scripts/postgres-test-server.sh start

clean:
	rm -rf $(VENV) build *.egg-info
