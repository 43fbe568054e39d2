# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: setup run serve test lint format seed chromium node
.DEFAULT_GOAL := run

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

seed: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_articles fixtures/articles
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver $(HOST)

# Production: gunicorn with its settings from the environment (README, "Production").
serve: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py check --deploy
	$(BIN)/python -m gunicorn -c gunicorn.conf.py factcheck.wsgi:application

test: setup chromium node
	$(BIN)/python -m pytest

# The end-to-end tests drive Debian's Chromium headless: Playwright's own browser download
# cannot run here, so a fresh machine gets the distribution's package (we run as root).
chromium:
	@test -x /usr/bin/chromium || (export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q chromium)

# The accessibility audit injects axe-core (npm registry, pinned in package-lock.json) into
# the pages under test; nothing from node_modules is served. npm comes from Debian when absent.
AXE := node_modules/axe-core/axe.min.js
node: $(AXE)
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || (export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q npm)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
