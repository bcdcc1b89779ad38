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

# Benchmarks (bench/README.md), always on a throw-away database that is dropped afterwards:
#   make bench SCALE=10 DB=postgres   the whole volume of seed_volume at 10 times KK's
#                                     (4.000 cases, 16.000 IT systems, …), every page and job,
#                                     a Markdown report in bench/results/ (about 10 minutes)
#   make bench SCALE=1                the same at KK's volume, on SQLite
#   make bench                        100 and 1.000 cases in one cycle (no report)
# SCALE=N   the volume at N times KK's, with a report (without it: --cases, see below)
# DB        postgres: test_<name> next to $$DATABASE_URL if set, else next to
#           BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/kk_bench);
#           sqlite: a temporary SQLite file; unset: DATABASE_URL if set, else SQLite
# BENCH_ARGS  any other option of bench/run.py, e.g. BENCH_ARGS="--repeat 10" or
#           BENCH_ARGS="--cases 100,1000 --large" (.venv/bin/python bench/run.py --help)
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/kk_bench)
BENCH_DB_ENV = $(if $(filter postgres,$(DB)),DATABASE_URL=$(BENCH_DATABASE_URL),$(if $(filter sqlite,$(DB)),env -u DATABASE_URL))

bench: install
	@case "$(DB)" in ""|postgres|sqlite) ;; *) echo "DB is postgres or sqlite, not $(DB)"; exit 2;; esac
	$(BENCH_DB_ENV) $(PY) bench/run.py $(if $(SCALE),--scale $(SCALE) --report) $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

messages: install
	$(PY) manage.py makemessages -l da --no-obsolete --ignore=.venv --ignore=static/vendor --ignore=node_modules
