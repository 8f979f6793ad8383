# Two commands on a fresh machine with python3 and make: `make run`, `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 0
STAMP  := $(VENV)/.installed-dev

.PHONY: run test lint typecheck bench clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The dev install is redone only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## make run: start the local sandbox, run the quickstart against it, stop the sandbox.
run: $(STAMP)
	@$(BIN)/python examples/run_with_sandbox.py --port $(PORT) -- examples/quickstart.py

## make test: the whole suite (unit, end-to-end over HTTP on 127.0.0.1, contracts), then lint and types.
test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check src tests examples
	$(BIN)/mypy --strict src

lint: $(STAMP)
	$(BIN)/ruff check src tests examples

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
