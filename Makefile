# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501

.PHONY: run test lint fmt init-db demo bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(PY) -m rehab init-db
	$(PY) -m streamlit run app.py --server.port $(PORT)

init-db: $(STAMP)
	$(PY) -m rehab init-db

demo: $(STAMP)
	$(PY) -m rehab demo --patients 200

test: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(PY) -m ruff check .

fmt: $(TEST_STAMP)
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts

# --- benchmarks (not part of `make test`): make bench, or make bench PATIENTS="1000 10000" -------------------
PATIENTS ?= 1000
BENCH_ARGS ?=
bench: $(TEST_STAMP)
	$(PY) bench/bench.py --patients $(PATIENTS) $(BENCH_ARGS)
