# polyedge — every target sets up .venv itself, so a fresh clone needs only `make demo` / `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOG ?= data/catalog
CONFIG ?= configs/backtest.yaml

.DEFAULT_GOAL := help
.PHONY: install demo catalog backtest test test-unit test-backtest lint fmt bench clean help

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), \
		f"polyedge needs Python 3.11 (nautilus_trader 1.221), .venv has {sys.version}"'
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) #-- create .venv and install polyedge with dev tools

catalog: $(STAMP) #-- build the synthetic sample catalog if missing (CATALOG=path)
	$(BIN)/python -m catalog.sample --out $(CATALOG)

demo: catalog #-- set up, build the sample catalog if missing, run the backtest, print the report
	$(BIN)/python run_backtest.py $(CONFIG) --catalog $(CATALOG)

backtest: $(STAMP) #-- run the backtest on CATALOG with CONFIG
	$(BIN)/python run_backtest.py $(CONFIG) --catalog $(CATALOG)

test: $(STAMP) #-- set up and run the whole test suite
	$(BIN)/python -m pytest -q

test-unit: $(STAMP) #-- run the fast unit tests only
	$(BIN)/python -m pytest -q -m unit

test-backtest: $(STAMP) #-- run the backtest-engine tests only
	$(BIN)/python -m pytest -q -m backtest

lint: $(STAMP) #-- ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) #-- format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: catalog #-- run the benchmarks and write bench/results/bench.json
	$(BIN)/python -m bench.run --catalog $(CATALOG) --out bench/results/bench.json

clean: #-- remove results, caches and the sample catalog (keeps .venv)
	rm -rf results bench/results data .pytest_cache .ruff_cache .hypothesis

help: #-- list the targets
	@grep -E '^[a-z-]+:.*#--' $(MAKEFILE_LIST) | sed -E 's/:.*#-- /\t/' | column -t -s "$$(printf '\t')"
