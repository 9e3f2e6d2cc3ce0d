# tambon_gis: the two commands of the quick start.
#   make demo   set up and build the demo maps in out/
#   make test   set up (Python packages, Chromium) and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TAMBON_GIS_TEST_DATA ?= $(abspath $(CURDIR)/../shared/data/boundaries)
export TAMBON_GIS_TEST_DATA

.PHONY: demo test setup setup-system docs bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,docs]"
	touch $@

setup: $(VENV)/.installed

# System packages for the browser tests (Debian chromium) and Thai fonts for screenshots.
setup-system:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null; \
	fi

demo: setup
	$(PY) -m tambon_gis.cli demo --out out

test: setup setup-system
	$(PY) -m pytest -n 2 --dist loadgroup
	$(VENV)/bin/mkdocs build --strict --quiet

docs: setup
	$(VENV)/bin/mkdocs build --strict

bench: setup
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) out site .pytest_cache
