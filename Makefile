# Parcours: the two commands from the README are `make demo` and `make test`.
# Both install what they need into .venv first (again only when the lock file changed).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint messages assets install help

help:
	@echo "make demo      run the demo on http://127.0.0.1:$(PORT)/ with a background worker"
	@echo "make test      run the test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint      ruff check"
	@echo "make messages  update and compile the French translations"
	@echo "make assets    reinstall front-end packages and copy them into static/vendor"

install:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" scripts/install.sh

demo: install
	@PY="$(PY)" PORT="$(PORT)" scripts/demo.sh

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

# xgettext/msgfmt come from Debian's gettext package.
messages: install
	$(PY) manage.py makemessages -l fr -e html,txt,py \
		--ignore='node_modules/*' --ignore='var/*' --ignore='bench/*' --ignore='tests/*'
	$(PY) manage.py compilemessages -l fr --ignore='.venv' --ignore='node_modules'

assets:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js parcours/web/static/vendor/htmx/htmx.min.js
	cp node_modules/htmx.org/LICENSE parcours/web/static/vendor/htmx/LICENSE
