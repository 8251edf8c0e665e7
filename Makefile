# Two commands matter: `make run` (set up and serve) and `make test` (set up and run every test).
VENV    := .venv
PYTHON  ?= python3
FLASK   := $(VENV)/bin/flask --app wsgi
USWDS   := node_modules/@uswds/uswds/dist

.PHONY: run test test-postgres serve worker bench bench-scale scale-data load load-two-servers setup assets migrate lint seed-demo clean

# `make run PORT=5001` when 5000 is taken.
PORT    ?= 5000
run: setup migrate
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# tests/browser drives Debian's Chromium; without it those tests are skipped, and we say so.
CHROMIUM := /usr/bin/chromium
# -n auto: one pytest worker per core (pytest-xdist); each worker has its own databases.
# --dist loadgroup keeps each group of browser tests on one worker (tests/browser/conftest.py).
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup
test: setup
	@test -x $(CHROMIUM) || echo "NOTE: browser tests (tests/browser) will be skipped: Chromium is not installed at $(CHROMIUM). Install it with: apt-get install chromium"
	$(VENV)/bin/pytest $(XDIST)
	@test -x $(CHROMIUM) || echo "NOTE: browser tests (tests/browser) were skipped: Chromium is not installed at $(CHROMIUM)."

# The suite on PostgreSQL: each run creates its own database and drops it at the end.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
test-postgres: setup
	DATABASE_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest $(XDIST) --ignore=tests/browser

setup: $(VENV)/.installed assets

# Production-style serving: gunicorn with gunicorn.conf.py (settings from the environment).
serve: setup migrate
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# Renders the plans of finished assessments ahead of their download (needs REDIS_URL; without
# it the app renders them in a thread of its own). `make worker REDIS_URL=redis://127.0.0.1:6379/0`
worker: setup migrate
	$(FLASK) plan-worker

# Benchmarks and the load test: not part of `make test` (they need wrk and take minutes).
bench: setup
	$(VENV)/bin/python benchmarks/run.py

load: setup
	$(VENV)/bin/python benchmarks/load_test.py

# The load test on two app servers sharing one PostgreSQL and one Redis (a Redis of its own).
load-two-servers: setup
	$(VENV)/bin/python benchmarks/load_test.py --two-servers

# Government-wide scale (issue 18): `make scale-data` fills a PostgreSQL database with 2,000
# teams and 20,000 finished assessments (about a minute; it replaces that database), and
# `make bench-scale` measures our pages against it.
SCALE_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cx_scale
scale-data: setup
	$(VENV)/bin/python benchmarks/generate.py --database-url $(SCALE_DATABASE_URL) --replace

bench-scale: setup
	$(VENV)/bin/python benchmarks/run.py --scale $(SCALE_DATABASE_URL) --rounds 5 --seconds 2

# uv installs several times quicker than pip. When it is installed, it makes the virtualenv and
# installs into it; otherwise pip puts uv (one wheel) into the new virtualenv and uv installs the
# rest. `make setup UV=` uses pip alone, as does a machine where uv cannot be had.
UV ?= $(shell command -v uv 2>/dev/null)
$(VENV)/.installed: pyproject.toml
ifneq ($(UV),)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(VENV)/bin/python -e '.[test,postgres,serve]'
else
	$(PYTHON) -m venv $(VENV)
	if $(VENV)/bin/pip install --quiet --disable-pip-version-check uv; then \
	  $(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python -e '.[test,postgres,serve]'; \
	else \
	  $(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test,postgres,serve]'; \
	fi
endif
	touch $@

# USWDS comes from its npm package (pinned in package-lock.json) and is copied, not committed.
assets: static/uswds/.copied

static/uswds/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --prefer-offline --loglevel=error
	rm -rf static/uswds
	mkdir -p static/uswds
	for part in css fonts img js; do cp -R $(USWDS)/$$part static/uswds/; done
	touch $@

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

# Safe to run again, and beside `make run`: it keeps the demo team and prints a new sign-in.
seed-demo: setup migrate
	$(FLASK) seed-demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) node_modules static/uswds
