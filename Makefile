# Banzi: two commands on a fresh machine with python3 (3.11+) and make.
#   make demo   set up, load the demo county, serve at http://127.0.0.1:$(PORT) with the background worker
#   make test   run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The suite runs on every core. Tests are handed out in pytest-django's order, so the browser tests, whose
# live server empties the database after each test, run after the tests that need the seeded catalogues.
TEST_ARGS ?= -n auto

.PHONY: demo test venv lint messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

# The background worker (imports, large exports, bulletins) runs beside the web server and stops with it.
demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py run_jobs --worker-id demo --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest $(TEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

messages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location
	$(PY) manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
