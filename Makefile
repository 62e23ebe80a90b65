# The two commands of the README, on a fresh clone of a fresh machine:
#   make book   installs what the book needs and builds it (_build/html/index.html)
#   make test   installs what the tests need and runs every test (ruff + pytest)
# Both create or reuse .venv (pip install -r requirements.txt) and node_modules (npm ci),
# then copy the browser assets into _vendor/assets.

PYTHON ?= python3
# The one Python version of the book: runtime.txt names it (Binder reads that file); the
# pins in requirements.txt are tested with it.  Installing stops with a clear message
# when the Python at hand is another version (see check-python below).
PYTHON_VERSION := $(patsubst python-%,%,$(strip $(shell cat runtime.txt)))
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
# A file stamp per install step, so a second run installs nothing.
VENV_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
VENDOR_STAMP := _vendor/assets/.vendored

.PHONY: book test test-fast bench vendor venv chromium clean check-python

book: $(VENV_STAMP) $(VENDOR_STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is built: open $(CURDIR)/_build/html/index.html in a browser"

test: $(VENV_STAMP) $(VENDOR_STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

# The unit tests alone (no notebooks, no book build, no browser): a quick check while editing.
test-fast: $(VENV_STAMP)
	$(BIN)/pytest tests -q -m "not book and not browser"

# Runs the benchmark as the machine is set, then again with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset for that run only (see benchmarks/README.md).
# make bench BENCH_ARGS="--workloads W1 W2" passes options to benchmarks/run.py
bench: $(VENV_STAMP)
	$(BIN)/python benchmarks/run.py --openblas-default $(BENCH_ARGS)

venv: $(VENV_STAMP)
vendor: $(VENDOR_STAMP)

# The Python that makes (or made) .venv must be PYTHON_VERSION, checked before pip runs.
check-python:
	@$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) -c 'import sys; v = "%d.%d" % sys.version_info[:2]; \
	sys.exit(0 if v == "$(PYTHON_VERSION)" else "error: the book needs Python $(PYTHON_VERSION) (runtime.txt; " \
	"requirements.txt is pinned and tested for it), but $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) is " \
	"Python " + v + ". Install Python $(PYTHON_VERSION) and run e.g. `make book PYTHON=python$(PYTHON_VERSION)`" \
	"$(if $(wildcard $(BIN)/python), after deleting $(VENV) (it was made with Python " + v + "),).")'

$(VENV_STAMP): requirements.txt pyproject.toml runtime.txt
	@$(MAKE) --no-print-directory check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(NPM_STAMP): package.json package-lock.json .npmrc
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR_STAMP): $(NPM_STAMP) $(VENV_STAMP) scripts/vendor_assets.py $(wildcard scripts/assets/*)
	$(BIN)/python scripts/vendor_assets.py
	touch $@

# Debian's Chromium for the browser test (never `playwright install`: it downloads a browser).
chromium:
	@test -x $(CHROMIUM) || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

clean:
	rm -rf _build _vendor artifacts
