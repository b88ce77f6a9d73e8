# Beteiligung – the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PLUGINS := $(wildcard plugins/*/setup.cfg)
PLUGIN_DIRS := $(patsubst %/setup.cfg,%,$(PLUGINS))
CONSTRAINTS := requirements/constraints.txt
# The slowest tests of a run are listed at its end: where the suite's time goes, in every CI log.
DURATIONS ?= --durations=25

.PHONY: run test install install-test migrate demo lint bench bench-quick translations clean package-test mutation screenshots

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"

# Installs the core and every plugin in plugins/, pinned to the tested versions.
$(VENV)/.installed: $(BIN)/activate setup.cfg $(CONSTRAINTS) $(PLUGINS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e . $(foreach p,$(PLUGIN_DIRS),-e $(p))
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e ".[test]"
	touch $@

install: $(VENV)/.installed translations
# axe-core for the browser tests (tests/browser), pinned in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm fehlt: ohne axe-core werden die Browser-Tests übersprungen (apt-get install npm)"; fi

install-test: $(VENV)/.installed-test node_modules/.package-lock.json translations

# The core's catalogues and each plugin's (plugins/<name>/beteiligung_<name>/translations).
translations: $(BIN)/activate
	@for dir in beteiligung/translations plugins/*/beteiligung_*/translations; do \
		if ls $$dir/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
			$(BIN)/pybabel -q compile -d $$dir || exit 1; fi; \
	done

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

run: demo
	@echo "Beteiligung läuft auf http://127.0.0.1:$(PORT)/ (Strg+C beendet)"
	@if [ -z "$$MAIL_SERVER" ]; then echo "Ohne MAIL_SERVER landen E-Mails (z. B. Bestätigungslinks) als .eml-Dateien in instance/outbox/."; fi
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite (core and plugins) on SQLite; with TEST_DATABASE_URL set, at the same time once
# more on that PostgreSQL database (its output is printed after SQLite's). Fails if either fails.
test: install-test
	$(BIN)/ruff check .
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- SQLite, with PostgreSQL running alongside ---"; \
		BETEILIGUNG_TEST_DB=postgresql $(BIN)/python -m pytest -q $(DURATIONS) > .pytest-postgresql.log 2>&1 & pg=$$!; \
		$(BIN)/python -m pytest -q $(DURATIONS); sqlite=$$?; \
		wait $$pg; postgresql=$$?; \
		echo "--- PostgreSQL ---"; cat .pytest-postgresql.log; \
		echo "SQLite: exit $$sqlite, PostgreSQL: exit $$postgresql"; \
		[ $$sqlite -eq 0 ] && [ $$postgresql -eq 0 ]; \
	else \
		$(BIN)/python -m pytest -q $(DURATIONS); \
	fi

# Wheels of the core and every plugin, installed into a fresh virtualenv outside the checkout:
# db upgrade, demo load and smoke requests (templates, migrations and catalogues come from the wheel).
package-test: install-test
	tests/packaging/wheel_install.sh

# Mutation testing (not part of `make test`): mutmut on four core modules, each against its own test
# file; fails below 85 % killed (equivalent mutants: docs/mutation-survivors.md). 20-40 minutes on 2 cores.
mutation: install-test
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e ".[mutation]"
	$(BIN)/python tests/mutation/run.py

# Rewrites the reference screenshots (tests/browser/screenshots) of every page that looks different now, and
# creates missing ones; commit them with the change that caused them (docs/testing-screenshots.md).
screenshots: install-test
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q -rs tests/browser/test_screenshots.py

lint: install-test
	$(BIN)/ruff check .

# The benchmarks of issue 14 and one table of their goals (benchmarks/README.md): SQLite and, when it
# answers at 127.0.0.1:5432, PostgreSQL; an hour and more. BENCH_ARGS=--quick: SQLite, small, under 2 minutes.
bench: install-test
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

bench-quick: install-test
	$(BIN)/python benchmarks/bench.py --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
