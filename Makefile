# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501
# Worker processes for `make run`: one per core (auto), each a full app server, behind a sticky proxy on PORT.
WORKERS ?= auto
# Two workers: the suite (SQLite, PostgreSQL and browser tests) takes about half as long on a 2-core machine.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint fmt init-db demo bench clean lock

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Dependencies come from lock files with hashes (every transitive package pinned); the project itself is
# installed on top without resolving anything again. `make lock` rewrites both after a pyproject.toml change.
$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(TEST_STAMP): pyproject.toml requirements-test.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@ $(STAMP)

LOCK_FLAGS := --quiet --generate-hashes --no-emit-index-url --no-emit-find-links --strip-extras
lock: | $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	$(PY) -m piptools compile $(LOCK_FLAGS) --extra test -o requirements-test.lock pyproject.toml

run: $(STAMP)
	$(PY) -m rehab init-db
	$(PY) -m rehab serve --workers $(WORKERS) --port $(PORT)

init-db: $(STAMP)
	$(PY) -m rehab init-db

demo: $(STAMP)
	$(PY) -m rehab demo --patients 200

test: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

fmt: $(TEST_STAMP)
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts

# --- benchmarks (not part of `make test`): make bench, or make bench PATIENTS="1000 10000" -------------------
# Only the load part, on a smaller clinic: make bench PATIENTS=200 BENCH_ARGS="--only load"
PATIENTS ?= 1000
BENCH_ARGS ?=
bench: $(TEST_STAMP)
	$(PY) bench/bench.py --patients $(PATIENTS) $(BENCH_ARGS)
