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

.PHONY: help lab test unit-and-nbval lint execute bench clean test-browser slides html test-portable \
        lock test-latest test-lowest mutation student

help:
	@echo "make lab      create .venv if needed and open JupyterLab on the course"
	@echo "              (extra JupyterLab arguments: make lab ARGS=--no-browser)"
	@echo "make test     lint, unit tests, doctests and strict nbval over every notebook"
	@echo "make test-portable  strict nbval and doctests under other CPUs' numerical paths"
	@echo "              (numpy SIMD levels off, OpenBLAS kernels, 1 and 2 BLAS threads)"
	@echo "make test-latest   the tests in a fresh .venv-latest with the newest versions the"
	@echo "              ranges in pyproject.toml allow, on the newest Python (early warning)"
	@echo "make test-lowest   the tests in a fresh .venv-lowest with the lowest versions"
	@echo "              pyproject.toml declares, on the oldest Python it supports"
	@echo "make lock     regenerate requirements/lock*.txt from pyproject.toml (uv)"
	@echo "make execute  re-execute notebooks in place (NB=notebooks/05-*.ipynb for one)"
	@echo "make bench    the benchmark scripts (ratios against scikit-learn)"
	@echo "make mutation mutmut over the core modules against the unit tests and doctests,"
	@echo "              then the score per module (slow: over an hour on 2 cores)"
	@echo "make slides   a reveal.js deck per notebook in build/slides/ (offline; open index.html)"
	@echo "make student  the student edition in build/student/: solutions removed, exercise stubs"
	@echo "              left (nbconvert + nbgrader preprocessors; see README, For lecturers)"
	@echo "make html     handouts of every notebook (stored outputs) in build/html/ (offline)"
	@echo "make test-browser  every notebook run in JupyterLab in headless Chromium (formulas,"
	@echo "              figures, no errors), then the slides and handouts checked offline"
	@echo "              (needs Debian's chromium: apt-get update && apt-get install -y chromium;"
	@echo "              one notebook: make test-browser ARGS='-k 05')"

# The environment is the lock's: exact versions of everything the course and its tests use
# (requirements/lock.txt, made by `make lock` from pyproject.toml's ranges), then lossbook
# itself, editable, with nothing else resolved.
LOCK         := requirements/lock.txt
LOCK_BROWSER := requirements/lock-browser.txt

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

# Unit tests, doctests and strict nbval in one pytest run (options in pyproject.toml), on
# every core: pytest-xdist's loadscope keeps each notebook's cells on one worker, in order.
PARALLEL ?= -n auto --dist loadscope
unit-and-nbval: $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL)

# The stored outputs must hold on every learner's CPU: imitate the others (tools/portability.py).
test-portable: $(STAMP)
	$(BIN)/python tools/portability.py $(ARGS)

execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
	    --NotebookClient.record_timing=False $(NB)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_loss.py
	$(BIN)/python benchmarks/bench_newton.py
	$(BIN)/python benchmarks/bench_dask.py

# Mutation testing (not part of `make test`): configured in pyproject.toml ([tool.mutmut]).
# A fresh mutants/ each time, so the score is of the code and tests as they are now.
MUTMUT_CHILDREN ?= 2
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTMUT_CHILDREN) > /dev/null || true
	$(BIN)/python tools/mutation_score.py

clean:
	rm -rf $(VENV) .venv-latest .venv-lowest build .pytest_cache .ruff_cache .hypothesis mutants

# ---- Drift: the lock, and the ends of the declared ranges ----
# uv resolves (never downloads an interpreter: the Pythons are the machine's own).
UV_SPEC  := uv==0.13.9
UV       := $(VENV)/.tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
# An interpreter of minor version $(1): python3.X on PATH if it runs, else pyenv's.
find_python = $(firstword $(foreach p,python$(1) $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python$(1)),\
    $(shell $(p) -c 'print("$(p)")' 2>/dev/null)))
PYTHON_OLDEST ?= $(or $(call find_python,3.10),$(PYTHON))
PYTHON_NEWEST ?= $(or $(call find_python,3.13),$(call find_python,3.12),$(PYTHON))

$(UV):
	$(PYTHON) -m venv $(VENV)/.tools
	$(VENV)/.tools/bin/python -m pip install --quiet $(UV_SPEC)

lock: $(UV)
	$(UV) pip compile --quiet --universal --python-version 3.10 --extra course --extra test --extra lecturer --extra scale \
	    pyproject.toml -o $(LOCK)
	$(UV) pip compile --quiet --universal --python-version 3.10 --extra course --extra test --extra lecturer --extra scale \
	    --extra browser -c $(LOCK) pyproject.toml -o $(LOCK_BROWSER)


test-latest: $(UV)
	rm -rf .venv-latest
	$(UV) venv --quiet --python $(PYTHON_NEWEST) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --resolution highest -e '.[course,test,lecturer,scale]'
	@.venv-latest/bin/python -c "import sys, numpy, sklearn, matplotlib, dask; print('latest: Python', sys.version.split()[0], '| numpy', numpy.__version__, '| scikit-learn', sklearn.__version__, '| matplotlib', matplotlib.__version__, '| dask', dask.__version__)"
	.venv-latest/bin/python -m pytest $(PARALLEL)

test-lowest: $(UV)
	rm -rf .venv-lowest
	$(UV) venv --quiet --python $(PYTHON_OLDEST) .venv-lowest
	$(UV) pip install --quiet --python .venv-lowest/bin/python --resolution lowest-direct -e '.[course,test,lecturer,scale]'
	@.venv-lowest/bin/python -c "import sys, numpy, sklearn, matplotlib, dask; print('lowest: Python', sys.version.split()[0], '| numpy', numpy.__version__, '| scikit-learn', sklearn.__version__, '| matplotlib', matplotlib.__version__, '| dask', dask.__version__)"
	.venv-lowest/bin/python -m pytest $(PARALLEL)

# ---- Delivery: the course in a real browser, lecture slides and handouts, all offline ----
# JavaScript for the slides and handouts (reveal.js, MathJax 2, require.js, jQuery) comes from
# the npm registry at build time (package.json pins it) and is copied next to the pages.
# The browser test drives Debian's chromium (never `playwright install`) with Playwright.
BROWSER_STAMP := $(VENV)/.installed-browser
NODE_STAMP    := node_modules/.package-lock.json
CHROMIUM      ?= /usr/bin/chromium

$(BROWSER_STAMP): $(STAMP) $(LOCK_BROWSER)
	$(BIN)/python -m pip install --quiet -r $(LOCK_BROWSER)
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

slides: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_site.py slides $(SITE_ARGS)

html: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_site.py html $(SITE_ARGS)

# Student edition: solutions removed, each code exercise a stub (tools/student_edition.py).
student: $(STAMP)
	$(BIN)/python tools/student_edition.py

test-browser: $(BROWSER_STAMP) slides html
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) not found. Install Debian's chromium (as root):"; \
	    echo "    apt-get update && apt-get install -y chromium"; exit 1; }
	LOSSBOOK_BROWSER_TESTS=1 LOSSBOOK_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/browser -v $(ARGS)
