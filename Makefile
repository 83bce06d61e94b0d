# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run PORT=8301` serves there; PORT also goes to the settings, where it makes the
# default SITE_URL (links in emails and calendar feeds) http://127.0.0.1:$(PORT).
PORT ?= 8000
# Local development only: the demo site runs with DEBUG on and plain HTTP.
DEV_ENV := DEBUG=true SECURE_SSL_REDIRECT=false PORT=$(PORT)

.PHONY: run test faults security worker bench bench-scale install lint format

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py demo_data
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Sends the emails (confirmations, reminders...) queued in the database. Run as many
# as you like, on any machines that share the database. Give it the same PORT as
# `make run`: the worker writes the links in the emails.
worker: install
	$(DEV_ENV) $(BIN)/python manage.py run_worker

# Locally the test database is kept between runs (--reuse-db); CI always builds it anew
# so a database left on the machine can never hide a migration.
TEST_DB := $(if $(filter true,$(CI)),--create-db,--reuse-db)

test: install
	$(BIN)/python -m pytest $(TEST_DB) $(ARGS)

# The fault suite (tests/faults): real Redis, SMTP and worker processes, broken on purpose.
faults: install
	$(BIN)/python -m pytest $(TEST_DB) -m faults tests/faults $(ARGS)

# The probe's cases (marker `security`); the races print their figures at the end.
security: install
	$(BIN)/python -m pytest $(TEST_DB) -m security $(ARGS)

# Benchmarks on a throwaway PostgreSQL database (docs/benchmarks.md); ARGS=--quick for a short run.
bench: install
	$(BIN)/python bench/run.py $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) tools/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Staff pages and daily jobs at three clinic sizes (docs/benchmarks.md); ARGS=--ci for S
# and a small M-like size (a few minutes), ARGS="--sizes L --reuse" to measure L again.
bench-scale: install
	$(BIN)/python bench/scale.py $(ARGS)
