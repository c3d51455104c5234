# Oversight: `make run` brings the whole system up on embedded defaults (SQLite, and a Celery
# broker kept in a SQLite file); `make test` runs the test suite. Both set themselves up.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test test-postgres test-all install system-deps services services-stop migrate migration bench demo clean

$(BIN)/activate: requirements.txt
	@scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	@touch $(BIN)/activate

install: $(BIN)/activate

system-deps:
	@scripts/system-deps.sh

migrate: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed

run: migrate
	@$(BIN)/flask ensure-admin
	@scripts/run-all.sh

# The suite on SQLite (or on TEST_DATABASE_URL when set), with throwaway Redis and
# PostgreSQL servers started for the tests that need them.
test: install
	@eval "$$(scripts/test-services.sh start)"; \
	 export TEST_REDIS_URL=$${TEST_REDIS_URL}; \
	 $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	@eval "$$(scripts/test-services.sh start)"; \
	 TEST_DATABASE_URL=$$TEST_POSTGRES_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

test-all: test test-postgres

services:
	@scripts/test-services.sh start

services-stop:
	@scripts/test-services.sh stop

# Rebuild the single initial migration from the models (only while no database in use
# depends on it); keep the hand-written users<->departments key block at its end.
migration: install
	@echo "Edit migrations/versions/0001_initial_schema.py by hand; tests/test_schema.py shows any drift."

# The whole system against the docket simulator on a compressed clock: within a minute the
# admin shows bookings arriving, releases, sheet versions, PDFs, scrape health and charts.
# Needs no network; Ctrl-C stops it. Its instance (instance/demo) is wiped at every start.
demo: install
	@$(BIN)/flask simulate demo $(DEMO_ARGS)

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
