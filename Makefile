# LuZhi: two commands on a fresh machine.
#   make run   install, migrate, load the plan and demo data, start web + worker on :8000
#   make test  the whole test suite (lint, migrations check, pytest incl. browser tests)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SEED_PLAN := luzhi/plan/seed/shandong-ai-action-plan-2025-2027.txt

.PHONY: run test setup install assets runtime-deps system-deps migrate demo lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

# The optional Ray extra (pyproject `placement-ray`): only the tests need it.
$(VENV)/.installed-ray: $(VENV)/.installed requirements-ray.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-ray.lock
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

luzhi/static/vendor/.copied: node_modules/.package-lock.json
	mkdir -p luzhi/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js luzhi/static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js luzhi/static/vendor/echarts.min.js
	cp node_modules/axe-core/axe.min.js luzhi/static/vendor/axe.min.js  # browser tests only
	touch $@

assets: luzhi/static/vendor/.copied

# Debian packages, installed only when missing (as root): WeasyPrint's Pango and the CJK fonts
# for the Chinese PDF reports (runtime-deps); chromium and poppler for the tests (system-deps).
define apt_missing
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install:$$missing (Debian packages)"; exit 1; fi; \
	fi
endef

runtime-deps:
	@missing=""; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpangoft2-1.0-0"; \
	$(apt_missing)

system-deps: runtime-deps
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	$(apt_missing)

migrate: install
	$(BIN)/luzhi migrate --no-input -v 0

demo: migrate
	$(BIN)/luzhi units sync
	$(BIN)/luzhi plan import $(SEED_PLAN)
	$(BIN)/luzhi indicators sync
	$(BIN)/luzhi demo seed --seed 42

setup: install assets runtime-deps demo

run: setup
	@$(BIN)/luzhi demo logins
	@echo "LuZhi: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the task worker)"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/luzhi db_worker --queue-name default --no-reload & \
	$(BIN)/luzhi runserver --noreload $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/luzhi makemigrations --check --dry-run -v 1

test: install assets system-deps lint $(VENV)/.installed-ray
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/plan_import.py
	$(BIN)/python bench/cockpit.py
	$(BIN)/python bench/registries.py
	$(BIN)/python bench/quarterly_report.py
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python bench/vouchers.py
	$(BIN)/python bench/matching.py

# Each app keeps its own catalogue (luzhi/<app>/locale); luzhi/locale holds the project's
# templates (base, errors). Run after changing user-facing strings, then translate the new entries.
APP_LOCALES := $(wildcard luzhi/*/locale)
messages: install
	@for dir in $(APP_LOCALES); do app=$$(dirname $$dir); \
	  (cd $$app && $(CURDIR)/$(BIN)/luzhi makemessages -l en --no-obsolete -v 0) || exit 1; done
	cd luzhi && ../$(BIN)/luzhi makemessages -l en --no-obsolete -v 0 \
	  $(foreach dir,$(APP_LOCALES),--ignore '$(notdir $(patsubst %/locale,%,$(dir)))/*')
	cd luzhi && ../$(BIN)/luzhi compilemessages -l en -v 0

clean:
	rm -rf $(VENV) node_modules luzhi/static/vendor staticfiles db.sqlite3*
