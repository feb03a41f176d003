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
# Work stealing: a worker that runs out takes tests from the other, so the long browser tests do not leave one
# worker finishing alone at the end.
PYTEST_ARGS ?= -n 2 --dist worksteal

.PHONY: run test lint fmt init-db demo bench clean lock axe

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Dependencies come from lock files with hashes (every transitive package pinned); the project itself is
# installed on top without resolving anything again. `make lock` rewrites both after a pyproject.toml change.
# The library files pip has just written are then dropped from the page cache (rehab/page_cache.py): held there
# in large blocks, each app process would map them nearly whole (the server with 10 clinicians at once: 484 MB
# instead of 420).
$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m rehab.page_cache
	touch $@

$(TEST_STAMP): pyproject.toml requirements-test.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m rehab.page_cache
	touch $@ $(STAMP)

# The FHIR tests' second validator (@medplum/core with its R4 definitions), pinned by its package-lock.json.
MEDPLUM := tests/exports/medplum
MEDPLUM_STAMP := $(MEDPLUM)/node_modules/.installed
$(MEDPLUM_STAMP): $(MEDPLUM)/package.json $(MEDPLUM)/package-lock.json
	npm ci --prefix $(MEDPLUM) --no-audit --no-fund --loglevel=error
	touch $@

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

# The real OpenID provider the single sign-on browser tests sign in against (npm `oidc-provider`, locked).
OIDC_PROVIDER := tests/e2e/oidc/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/e2e/oidc/package-lock.json
	npm ci --prefix tests/e2e/oidc --no-audit --no-fund --loglevel=error

# axe-core for the accessibility browser tests, from its lock file (npm ci: exact versions, integrity checked).
AXE_DIR := tests/e2e/axe
AXE_STAMP := $(AXE_DIR)/node_modules/.installed
$(AXE_STAMP): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error
	touch $@

test: $(TEST_STAMP) $(MEDPLUM_STAMP) $(OIDC_PROVIDER) $(AXE_STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

fmt: $(TEST_STAMP)
	$(PY) -m ruff format .

axe: $(AXE_STAMP)

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts $(AXE_DIR)/node_modules

# --- benchmarks (not part of `make test`): make bench, or make bench PATIENTS="1000 10000" -------------------
# Only the load part, on a smaller clinic: make bench PATIENTS=200 BENCH_ARGS="--only load"
PATIENTS ?= 1000
BENCH_ARGS ?=
bench: $(TEST_STAMP)
	$(PY) bench/bench.py --patients $(PATIENTS) $(BENCH_ARGS)
