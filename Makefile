# lossbook: two commands for a newcomer, `make lab` and `make test`.
# Everything runs in .venv, created on first use; it is reinstalled only when
# pyproject.toml changes (the stamp below is older than it).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB     ?= notebooks/*.ipynb
ARGS   ?=
# JupyterLab refuses to run as root unless told to (CI and containers run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help lab test unit-and-nbval lint execute bench clean

help:
	@echo "make lab      create .venv if needed and open JupyterLab on the course"
	@echo "              (extra JupyterLab arguments: make lab ARGS=--no-browser)"
	@echo "make test     lint, unit tests, doctests and strict nbval over every notebook"
	@echo "make execute  re-execute notebooks in place (NB=notebooks/05-*.ipynb for one)"
	@echo "make bench    the benchmark scripts (ratios against scikit-learn)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[course,test]'
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(ARGS)

test: lint unit-and-nbval

lint: $(STAMP)
	$(BIN)/ruff check .

# Unit tests, doctests and strict nbval in one pytest run (options in pyproject.toml).
unit-and-nbval: $(STAMP)
	$(BIN)/python -m pytest

execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
	    --NotebookClient.record_timing=False $(NB)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_loss.py
	$(BIN)/python benchmarks/bench_newton.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis
