# The two commands a newcomer needs (README): `make demo` and `make test`.
# Everything else here is what they depend on: a virtual environment with the pinned
# Python packages, the npm packages, and the site's CSS built from GOV.UK Frontend.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CSS := tiptracker/static/govuk/app.min.css

.PHONY: demo demo-report test setup lint clean

demo: setup
	$(BIN)/tiptracker demo

# The demo partnership's board report for the reference report's period, as Word.
demo-report: setup
	$(BIN)/tiptracker demo --no-serve
	$(BIN)/tiptracker report --partnership dundee --from 2021-12-01 --to 2022-06-30 --out demo-report.docx

# One worker per core (pytest-xdist): the suite takes about half the time on two cores. A
# worker that runs out of tests takes some of the other's (worksteal), and the longest
# tests start first (conftest.py), so that neither waits at the end for the other.
test: setup
	$(BIN)/pytest -n auto --dist worksteal

setup: $(INSTALLED) $(CSS)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CSS): node_modules/.package-lock.json frontend/app.scss scripts/build-frontend.mjs
	npm run --silent build

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tiptracker
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) node_modules tiptracker/static/govuk
