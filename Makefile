# tambon_gis: the two commands of the quick start.
#   make demo   set up and build the demo maps in out/
#   make test   set up (Python packages, Chromium) and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TAMBON_GIS_TEST_DATA ?= $(abspath $(CURDIR)/../shared/data/boundaries)
export TAMBON_GIS_TEST_DATA

.PHONY: demo test setup setup-system docs bench clean package-check

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,docs,bench]"
	touch $@

setup: $(VENV)/.installed

# System packages: Debian chromium for the browser tests, Thai fonts for screenshots, and
# python3-venv where the Python has no venv module. Each is installed only when missing.
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

setup-system:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-thai-tlwg >/dev/null 2>&1 || missing="$$missing fonts-thai-tlwg"; \
	$(PYTHON) -m venv --help >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || missing="$$missing postgresql-15-postgis-3"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(APT_INSTALL) $$missing >/dev/null; fi

# The demo needs no data beside the clone and no network: tambon_gis finds boundaries itself
# ($$TAMBON_GIS_BOUNDARIES, data/boundaries/, a full layer in the cache, else the national layer
# embedded in the package).
demo: setup
	$(PY) -m tambon_gis.cli demo --out out

test: setup-system setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy tambon_gis
	$(PY) -m pytest -n 2 --dist loadgroup
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet
	$(MAKE) package-check

# The real package: build the wheel and sdist, check them with twine, install the wheel into a
# fresh venv and run the demo from it, offline, outside the source tree (in $(PKG_TMP)).
PKG_TMP ?= $(or $(TMPDIR),/tmp)/tambon_gis-package-check
package-check: setup
	rm -rf dist $(PKG_TMP)
	$(PY) -m build --outdir dist . >/dev/null
	$(PY) -m twine check --strict dist/*
	$(PYTHON) -m venv $(PKG_TMP)/venv
	$(PKG_TMP)/venv/bin/python -m pip install --quiet dist/*.whl
	cd $(PKG_TMP) && env -u TAMBON_GIS_BOUNDARIES -u TAMBON_GIS_TEST_DATA TAMBON_GIS_OFFLINE=1 \
		TAMBON_GIS_CACHE=$(PKG_TMP)/cache $(PKG_TMP)/venv/bin/tambon-gis demo --out $(PKG_TMP)/out
	$(PKG_TMP)/venv/bin/tambon-gis --version

docs: setup
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

bench: setup
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) out site .pytest_cache dist build
