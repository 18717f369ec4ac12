# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve install migrate demo style lint bench roundtrip stress clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  digest is running: http://$(HOST):$(PORT)/"
	@echo "  admin:             http://$(HOST):$(PORT)/admin/"
	@echo "  demo logins (password for all: digest-demo):"
	@echo "    editor   / digest-demo   (编辑: drafts and submits issues)"
	@echo "    editor2  / digest-demo   (a second editor)"
	@echo "    reviewer / digest-demo   (审稿: reviews, approves, schedules)"
	@echo "    admin    / digest-demo   (superuser)"
	@echo "  notification e-mails are printed here by the background worker"
	@echo ""
	@# The notification worker runs beside the dev server and stops with it.
	@$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production configuration, locally. The fallbacks below make it start on a
# developer machine (plain HTTP on loopback); a real deployment sets all three.
serve: export DJANGO_DEBUG ?= 0
serve: export DJANGO_SECRET_KEY ?= local-serve-only-$(shell hostname)-not-for-production
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export DJANGO_SECURE_SSL_REDIRECT ?= 0
serve: export DJANGO_SECURE_COOKIES ?= 0
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c gunicorn.conf.py digest.wsgi

style: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

roundtrip: migrate
	$(BIN)/python manage.py import_markdown --check $(CORPUS)

# Load and faults: gunicorn under wrk with a PostgreSQL outage (.ci/stress; needs
# root for pg_createcluster, wrk and Redis on 127.0.0.1:6379). About 3 minutes.
stress: install
	.ci/stress

# A benchmark, not a test: PostgreSQL (a database of its own, dropped after)
# and wrk (apt install wrk). Writes bench/results.md. See README "Performance".
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
