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

.PHONY: help lab test unit-and-nbval lint execute bench clean test-browser slides html mutation

help:
	@echo "make lab      create .venv if needed and open JupyterLab on the course"
	@echo "              (extra JupyterLab arguments: make lab ARGS=--no-browser)"
	@echo "make test     lint, unit tests, doctests and strict nbval over every notebook"
	@echo "make execute  re-execute notebooks in place (NB=notebooks/05-*.ipynb for one)"
	@echo "make bench    the benchmark scripts (ratios against scikit-learn)"
	@echo "make mutation mutmut over the core modules against the unit tests and doctests,"
	@echo "              then the score per module (slow: over an hour on 2 cores)"
	@echo "make slides   a reveal.js deck per notebook in build/slides/ (offline; open index.html)"
	@echo "make html     handouts of every notebook (stored outputs) in build/html/ (offline)"
	@echo "make test-browser  every notebook run in JupyterLab in headless Chromium (formulas,"
	@echo "              figures, no errors), then the slides and handouts checked offline"
	@echo "              (needs Debian's chromium: apt-get update && apt-get install -y chromium;"
	@echo "              one notebook: make test-browser ARGS='-k 05')"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[course,test]'
	touch $(STAMP)

# JupyterLab's "news" pop-up would greet a learner on first start (and try the network):
# turn it off for this environment only.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_OVERRIDES): $(STAMP)
	mkdir -p $(dir $@)
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

lab: $(STAMP) $(LAB_OVERRIDES)
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

# Mutation testing (not part of `make test`): configured in pyproject.toml ([tool.mutmut]).
# A fresh mutants/ each time, so the score is of the code and tests as they are now.
MUTMUT_CHILDREN ?= 2
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTMUT_CHILDREN) > /dev/null || true
	$(BIN)/python tools/mutation_score.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis mutants

# ---- Delivery: the course in a real browser, lecture slides and handouts, all offline ----
# JavaScript for the slides and handouts (reveal.js, MathJax 2, require.js, jQuery) comes from
# the npm registry at build time (package.json pins it) and is copied next to the pages.
# The browser test drives Debian's chromium (never `playwright install`) with Playwright.
BROWSER_STAMP := $(VENV)/.installed-browser
NODE_STAMP    := node_modules/.package-lock.json
CHROMIUM      ?= /usr/bin/chromium

$(BROWSER_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[course,test,browser]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

slides: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_site.py slides

html: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_site.py html

test-browser: $(BROWSER_STAMP) slides html
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) not found. Install Debian's chromium (as root):"; \
	    echo "    apt-get update && apt-get install -y chromium"; exit 1; }
	LOSSBOOK_BROWSER_TESTS=1 LOSSBOOK_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/browser -v $(ARGS)
