# upstream: the two commands of the README contract are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install system-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## make run: set everything up, load the bundled real data if the stores are empty, serve the app
## on http://$(HOST):$(PORT) (another port: make run PORT=8001)
HOST ?= 127.0.0.1
PORT ?= 8000
run: $(STAMP)
	$(BIN)/upstream bootstrap
	$(BIN)/upstream serve --host $(HOST) --port $(PORT)

system-deps:
	bash scripts/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## make test: set up (venv, Chromium, PostgreSQL) and run lint and the whole suite
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

## make bench: performance and accuracy benchmarks; results in benchmarks/results/*.json
bench: $(STAMP)
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
