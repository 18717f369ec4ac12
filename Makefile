# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve install migrate demo style lint bench roundtrip clean

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
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-0} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-0} $(BIN)/gunicorn -c gunicorn.conf.py digest.wsgi

style: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

roundtrip: migrate
	$(BIN)/python manage.py import_markdown --check $(CORPUS)

bench: install
	$(BIN)/python bench/run.py $(CORPUS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
