# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local development only: the demo site runs with DEBUG on and plain HTTP.
DEV_ENV := DEBUG=true SECURE_SSL_REDIRECT=false

.PHONY: run test worker bench install lint format

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py demo_data
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Sends the emails (confirmations, reminders...) queued in the database. Run as many
# as you like, on any machines that share the database.
worker: install
	$(DEV_ENV) $(BIN)/python manage.py db_worker

test: install
	$(BIN)/python -m pytest $(ARGS)

# Benchmarks on a throwaway PostgreSQL database (docs/benchmarks.md); ARGS=--quick for a short run.
bench: install
	$(BIN)/python bench/run.py $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) tools/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@
