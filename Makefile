# Ориентир: `make run` to use it, `make test` to check it. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WAREHOUSE ?= data/warehouse.duckdb
PORT ?= 8501

.PHONY: run test venv warehouse demo chromium static lint bench bench-country clean

run: warehouse static
	@echo "Откройте в браузере: http://localhost:$(PORT)"
	WAREHOUSE=$(WAREHOUSE) $(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

test: venv chromium static
	$(PY) -m ruff check .
	$(PY) -m pytest

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Build the demo region only if there is no warehouse yet.
warehouse: venv
	$(PY) -m analytics demo --if-missing --db $(WAREHOUSE)

# Rebuild the demo region unconditionally.
demo: venv
	$(PY) -m analytics demo --db $(WAREHOUSE)

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; \
	fi

# Leaflet for the offline map, from the npm registry (scripts/fetch_static.sh).
static:
	./scripts/fetch_static.sh

lint: venv
	$(PY) -m ruff check .

bench: venv
	$(PY) -m analytics bench --scale region

bench-country: venv
	$(PY) -m analytics bench --scale country --repeat 3

clean:
	rm -rf $(VENV) .pytest_cache
