# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Every dependency pinned, with hashes: requirements/requirements.txt (runtime) and
# requirements/dev.txt (runtime + the dev extra), compiled from the ranges in pyproject.toml by
# `make lock`. `make install` installs requirements/dev.txt; a changed lock reinstalls.
LOCK := requirements/requirements.txt requirements/dev.txt
UV_VERSION := 0.13.9
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet

.PHONY: install lock run test lint format demo worker beat openapi apilint

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Refresh the lock after changing the dependencies in pyproject.toml (needs PyPI). Pins that
# pyproject.toml still allows are kept; to move on to newer versions:
#   make lock LOCK_FLAGS=--upgrade                      (everything)
#   make lock LOCK_FLAGS='--upgrade-package django'     (one package)
# Then `make install` installs the new lock; commit pyproject.toml and requirements/ together.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) --extra dev $(LOCK_FLAGS) -o requirements/dev.txt
	$(UV_COMPILE) -c requirements/dev.txt -o requirements/requirements.txt

# The embedded default: SQLite, tasks in-process, demo data, server on localhost (HOST, PORT).
# The planner runs the beat schedule (06:30 preview, sweeps, retries) alongside the server and
# stops with it (Ctrl-C, or the server exiting).
# `make run BRP_FAKE=1` also starts the local BRP/KvK fake (test persons, and an ordinary person
# for any other BSN) on BRP_FAKE_PORT and points the server and the planner at it; the demo data
# itself is loaded without lookups, as without the fake.
BRP_FAKE ?=
BRP_FAKE_PORT ?= 8090
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	pids=; \
	if [ -n "$(BRP_FAKE)" ]; then \
		$(BIN)/python manage.py basisregistraties_fake --host 127.0.0.1 --port $(BRP_FAKE_PORT) \
			--genereer-onbekende & pids=$$!; \
		i=0; until $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", $(BRP_FAKE_PORT)), 1)' 2>/dev/null; do \
			if ! kill -0 $$pids 2>/dev/null || [ $$i -ge 40 ]; then \
				echo "De BRP/KvK-fake start niet (poort $(BRP_FAKE_PORT) bezet? Kies BRP_FAKE_PORT=...)."; \
				kill $$pids 2>/dev/null; exit 1; \
			fi; i=$$((i + 1)); sleep 0.5; \
		done; \
		export BRP_API_URL=http://127.0.0.1:$(BRP_FAKE_PORT)/haalcentraal/api/brp BRP_API_KEY=fake-brp-sleutel \
			KVK_API_URL=http://127.0.0.1:$(BRP_FAKE_PORT)/kvk/api/v1 KVK_API_KEY=fake-kvk-sleutel; \
	fi; \
	$(BIN)/python manage.py planner & pids="$$pids $$!"; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite. With DATABASE_URL (PostgreSQL) and REDIS_URL set it also runs the
# service-bound tests; without them those are skipped with a visible reason.
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	if [ -f .importlinter ]; then $(BIN)/lint-imports; fi

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	$(BIN)/python manage.py demo

# Production-like operation (needs CELERY_BROKER_URL).
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

# The OpenAPI document (issue #17), committed as api/openapi/openapi.json: regenerate it after
# changing the API (a test fails while it differs from what the code generates).
openapi: install
	$(BIN)/python manage.py spectacular --file api/openapi/openapi.json --format openapi-json --validate
	printf '\n' >> api/openapi/openapi.json

# The committed document against the NL API Design Rules 2.1.0: Logius' Spectral ruleset,
# vendored in api/openapi/ (source in BRON.md), run by the Spectral version pinned in its
# package-lock.json (npm registry; no install scripts: Spectral needs none, and one of its
# dependencies only reports usage statistics). Errors fail; warnings are shown.
APILINT := api/openapi
$(APILINT)/node_modules/.installed: $(APILINT)/package.json $(APILINT)/package-lock.json
	npm ci --prefix $(APILINT) --no-audit --no-fund --ignore-scripts
	touch $@

apilint: $(APILINT)/node_modules/.installed
	$(APILINT)/node_modules/.bin/spectral --version
	$(APILINT)/node_modules/.bin/spectral lint --ruleset $(APILINT)/adr-2.1.0-spectral.yml \
		--fail-severity error $(APILINT)/openapi.json
