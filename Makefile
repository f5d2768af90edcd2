# Glossary Graph — the commands. `make run` serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development runs with DEBUG on unless told otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG-1}

.PHONY: install run test bench bench-graph bench-import bench-search fuzz clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_seed_if_empty
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Benchmarks are scripts, never timed unit tests.
bench: bench-graph bench-import bench-search

bench-graph: install
	$(PY) scripts/bench_graph.py

bench-import: install
	$(PY) scripts/bench_import.py

# Search and autocomplete at 100,000 terms; SQLite unless DATABASE_URL names PostgreSQL.
bench-search: install
	$(PY) scripts/bench_search.py

# Schema-driven fuzzing of the REST API (schemathesis) against a throwaway server.
fuzz: install
	bash scripts/fuzz_api.sh
