# KK Digital: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install messages check lint bench

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

# Measure the pages on a throw-away database (DATABASE_URL or a temporary SQLite
# file): make bench BENCH_ARGS="--cases 100,1000 --repeat 5 --large"
# The whole volume (seed_volume) at N times KK's, with a Markdown report in bench/results/:
# make bench BENCH_ARGS="--scale 1 --report"   (PostgreSQL: DATABASE_URL=postgres://… make bench …)
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

messages: install
	$(PY) manage.py makemessages -l da --no-obsolete --ignore=.venv --ignore=static/vendor --ignore=node_modules
