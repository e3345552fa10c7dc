# Guildhall: `make run` serves the demo site, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
AXE := node_modules/axe-core/axe.min.js
ICALJS := node_modules/ical.js/package.json
VNU := node_modules/vnu-jar/build/dist/vnu.jar

CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench screenshots install install-test lint format chromium java wrk valgrind clean translations-extract translations-compile

# `make run PORT=5001` serves on another port (links in e-mail follow it). The checkout's
# instance/guildhall.env (written once, read by every `flask --app app …` run here) says
# GUILDHALL_ENV=development; in development the server reloads when the code changes.
PORT ?= 5000
LOCAL_SETTINGS := instance/guildhall.env

# A port the server cannot take stops `make run` in one line, before anything is migrated.
ifneq ($(filter run,$(or $(MAKECMDGOALS),run)),)
ifneq ($(shell printf '%s' '$(PORT)' | grep -Ex '[1-9][0-9]{0,4}' | awk '$$1 <= 65535 { print "ok" $$1 }'),ok$(PORT))
$(error PORT must be a whole number from 1 to 65535, not '$(PORT)')
endif
endif

ifneq ($(PORT),5000)
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
endif
run: $(VENV)/.installed $(CATALOGS) $(LOCAL_SETTINGS)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port $(PORT) $(if $(filter production,$(GUILDHALL_ENV)),,--reload)

$(LOCAL_SETTINGS):
	mkdir -p $(@D)
	printf '# Settings for every flask command in this checkout (the environment wins).\nGUILDHALL_ENV=development\n' > $@

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; 0: in this one), each on
# its own SQLite file and PostgreSQL database (tests/conftest.py); tests marked
# xdist_group run one at a time on one worker. PYTEST_ARGS="-p randomly" shuffles the order;
# the thirty slowest tests are listed at the end, to keep the suite's time in check.
PYTEST_WORKERS ?= 2

test: $(VENV)/.installed-test $(CATALOGS) $(AXE) $(ICALJS) $(VNU) chromium java wrk valgrind
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=30 $(PYTEST_ARGS)

# Load benchmark on PostgreSQL with the large data set (see README, "Benchmarks"):
# the pages, a burst of 500 sign-ups, and 1, 2 and 4 workers; BENCH_ARGS="--help" for options.
bench: $(VENV)/.installed-bench wrk
	$(PY) bench/run.py $(BENCH_ARGS)

# Every main page at 1280 and 390 px, in English and Ukrainian, with the demo data, into
# docs/screenshots/ with a gallery (tools/screenshots.py); SCREENSHOTS_ARGS="--only directory,event".
screenshots: $(VENV)/.installed-test $(CATALOGS) chromium
	$(PY) tools/screenshots.py $(SCREENSHOTS_ARGS)

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
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot --no-location --sort-output --ignore-dirs=".* _* tests node_modules instance" .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# axe-core checks every page the browser tests visit (WCAG 2.1 AA); ical.js reads the
# .ics files as calendar apps do; the W3C Nu checker (vnu-jar, run with Java) validates
# the HTML of pages (tests/nu_checker.py).
$(AXE) $(ICALJS) $(VNU) &: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(AXE) $(ICALJS) $(VNU)

# Browser tests drive Debian's chromium; install it when missing and we are root.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is not installed and we are not root: browser tests will skip"; fi; \
	fi

# The Nu HTML checker runs on Java; installed when missing and we are root.
java:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	  else echo "java is not installed and we are not root: the HTML checks will skip"; fi; \
	fi

# The load tool of the benchmark and of its smoke test; installed when missing and we are root.
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "wrk is not installed and we are not root: the benchmark smoke test will skip"; fi; \
	fi

# Counts the instructions a page costs (bench/instructions.py); installed when missing and we are root.
valgrind:
	@if ! command -v valgrind >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; \
	  else echo "valgrind is not installed and we are not root: its smoke test will skip"; fi; \
	fi

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules
