# Glossary Graph — the commands. `make run` serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run dev test smoke bench bench-graph bench-import bench-search bench-scale bench-changes bench-releases fuzz clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Serve as deployed: gunicorn, DEBUG off, hashed static files, the background task worker.
run: install
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh run

# Develop: runserver with DEBUG and autoreload, and the task worker.
dev: install
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh dev

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Deploy as production does (collectstatic + gunicorn, DEBUG off) on a throwaway database and
# request every page type and API endpoint: no 500.
smoke: install
	$(PY) scripts/smoke_production.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .cache

# Benchmarks are scripts, never timed unit tests.
bench: bench-graph bench-import bench-search

bench-graph: install
	$(PY) scripts/bench_graph.py

bench-import: install
	$(PY) scripts/bench_import.py

# Search and autocomplete at 100,000 terms; SQLite unless DATABASE_URL names PostgreSQL.
bench-search: install
	$(PY) scripts/bench_search.py

# /changes/, its feed and /api/changes/ at 100,000 terms; SQLite unless DATABASE_URL names PostgreSQL.
bench-changes: install
	$(PY) scripts/bench_changes.py

# PostgreSQL at 100,000 terms / 500,000 relations: DATABASE_URL=postgres://… make bench-scale
bench-scale: install
	$(PY) scripts/bench_scale.py

# Releases at 100,000 terms on PostgreSQL: creation time, storage per release, diff time:
# DATABASE_URL=postgres://…/gg_rel_bench make bench-releases
bench-releases: install
	$(PY) scripts/bench_releases.py

# Schema-driven fuzzing of the REST API (schemathesis) against a throwaway server.
fuzz: install
	bash scripts/fuzz_api.sh
