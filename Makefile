# Two commands matter: `make run` (set up and serve) and `make test` (set up and run every test).
VENV    := .venv
PYTHON  ?= python3
FLASK   := $(VENV)/bin/flask --app wsgi
USWDS   := node_modules/@uswds/uswds/dist

.PHONY: run test setup assets migrate lint seed-demo clean

run: setup migrate
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(VENV)/bin/pytest

setup: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test,postgres]'
	touch $@

# USWDS comes from its npm package (pinned in package-lock.json) and is copied, not committed.
assets: static/uswds/.copied

static/uswds/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/uswds
	mkdir -p static/uswds
	for part in css fonts img js; do cp -R $(USWDS)/$$part static/uswds/; done
	touch $@

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

seed-demo: setup migrate
	$(FLASK) seed-demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static/uswds
