# svcgen: `make run` serves the API, `make test` runs the whole suite.
# Both bootstrap their own virtual environment in .venv from the pinned requirements.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
export HOST PORT WORKERS

.PHONY: run test lint migrate venv dev-venv clean goldens bench deploy-chart

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files re-run the install whenever a requirements file or pyproject.toml changes.
$(VENV)/.runtime: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	sh scripts/ensure-debian-packages.sh graphviz || echo "warning: without graphviz's dot, diagram.svg answers 503"
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

migrate: $(VENV)/.runtime
	$(BIN)/alembic upgrade head

run: migrate
	@echo "Writes need a bearer token. Make a first one (printed once) in another terminal with:"
	@echo "    $(BIN)/svcgen token create --name admin --role admin"
	@echo "and send it as: -H \"Authorization: Bearer \$$TOKEN\""
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

test: lint
	sh scripts/ensure-debian-packages.sh graphviz chromium
	$(BIN)/python -m pytest -W error

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Golden charts under tests/golden/ change only through this command.
goldens: $(VENV)/.dev
	$(BIN)/python -m tests.golden_refresh

# Load svcgen and a constant-JSON Flask app under the same gunicorn settings with wrk
# (installed with apt-get when missing) and print the ratios; writes nothing under tests/.
bench: $(VENV)/.dev
	$(BIN)/python -m bench

# svcgen's own chart under deploy/ changes only through this command.
deploy-chart: $(VENV)/.runtime
	$(BIN)/svcgen render deploy/svcgen-topology.yaml -o deploy/chart

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
