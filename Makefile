# Klimatfärdplan: the two commands are `make run` and `make test` (see README.md).
# Everything here is idempotent: a second run only does what is missing.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
# Two pytest workers (pytest-xdist): the suite and its browser crawl take half the time on 2 cores.
PYTEST_ARGS ?= -n 2
# Debian packages the app needs at run time (WeasyPrint's fast font path, gettext for .mo files)
# and at test time (Chromium for the browser layer, poppler for PDF-to-PNG checks).
RUN_DEBS := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext:msgfmt npm:npm
TEST_DEBS := chromium poppler-utils:pdftoppm

.PHONY: run test setup venv system-deps test-system-deps static messages makemessages migrate \
        demo lint format bench check-deploy audit load clean screenshots

run: setup demo  ## Set up and serve the app with demo data on http://127.0.0.1:8000
	$(MANAGE) runserver 127.0.0.1:8000

test: setup test-system-deps lint  ## Install and run the whole test suite (browser layer included)
	$(MANAGE) makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(MAKE) --no-print-directory audit
	$(PY) -m pytest $(PYTEST_ARGS)

setup: system-deps venv static messages migrate

system-deps:
	@bash scripts/ensure_debs.sh $(RUN_DEBS)

test-system-deps:
	@bash scripts/ensure_debs.sh $(TEST_DEBS)
	@# The browser layer drives Debian's Chromium; never Playwright's own download (not reachable).
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "No /usr/bin/chromium after installing Debian's chromium: the browser tests cannot run." >&2; \
	  exit 1; fi

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --python $(PY) --require-hashes --quiet -r requirements.lock
	touch $@

venv: $(VENV)/.installed

static/vendor/.installed: package.json package-lock.json scripts/install_static.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/install_static.py
	touch $@

static: venv static/vendor/.installed

messages: venv  ## Compile locale/*.po to .mo
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

makemessages: venv  ## Refresh locale/*.po from the source (then translate the English file)
	$(MANAGE) makemessages -l en -l sv -e html -e txt -e py -e svg --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=bench -v0

migrate: venv
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_reference_data

demo: venv
	$(MANAGE) load_demo_data

screenshots: migrate demo test-system-deps  ## Screenshots of the home pages and the dashboard (docs/screenshots/)
	$(PY) scripts/screenshots.py

lint: venv  ## ruff (lint + format check) and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check-deploy: venv  ## Production settings pass Django's deployment checklist with no warnings
	DJANGO_MODE=production SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  ALLOWED_HOSTS=klimatfardplan.example.org SITE_URL=https://klimatfardplan.example.org \
	  $(MANAGE) check --deploy --fail-level WARNING

audit: venv  ## Known vulnerabilities in the locked dependencies (pip-audit, needs PyPI's API)
	$(PY) scripts/audit_deps.py

load: setup  ## Survey deadline at 10x the real size: Locust, gunicorn + PostgreSQL (database kf_load)
	bash load/run.sh

# The benchmark's own database is <name>_bench (created and dropped), on PostgreSQL.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kf
# The shared cache as in production (a Redis that is not there is a cache miss, not an error).
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/1
bench: setup  ## Every page at 10x the real size against the p95 budgets: docs/benchmarks.md
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor var
