# Guildhall: `make run` serves the demo site, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
AXE := node_modules/axe-core/axe.min.js
ICALJS := node_modules/ical.js/package.json

CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench install install-test lint format chromium wrk clean translations-extract translations-compile

run: export GUILDHALL_ENV ?= development
run: $(VENV)/.installed $(CATALOGS)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; 0: in this one), each on
# its own SQLite file and PostgreSQL database (tests/conftest.py); tests marked
# xdist_group run one at a time on one worker. PYTEST_ARGS="-p randomly" shuffles the order.
PYTEST_WORKERS ?= 2

test: $(VENV)/.installed-test $(CATALOGS) $(AXE) $(ICALJS) chromium wrk
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Load benchmark on PostgreSQL with the large data set (see README, "Benchmarks"):
# the pages, a burst of 500 sign-ups, and 1, 2 and 4 workers; BENCH_ARGS="--help" for options.
bench: $(VENV)/.installed-bench wrk
	$(PY) bench/run.py $(BENCH_ARGS)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# The profilers used to find what a slow page spends its time on (bench/README.md).
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

# Translations: the .po files are committed, the compiled .mo files are built here.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

translations-compile: $(CATALOGS)

# After adding or changing UI strings: refresh the template and every catalog, then translate.
translations-extract: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --ignore-dirs=".* _* tests node_modules instance" .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# axe-core checks every page the browser tests visit (WCAG 2.1 AA); ical.js reads the
# .ics files as calendar apps do.
$(AXE) $(ICALJS) &: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(AXE) $(ICALJS)

# Browser tests drive Debian's chromium; install it when missing and we are root.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is not installed and we are not root: browser tests will skip"; fi; \
	fi

# The load tool of the benchmark and of its smoke test; installed when missing and we are root.
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "wrk is not installed and we are not root: the benchmark smoke test will skip"; fi; \
	fi

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules
