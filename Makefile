# pmbot — `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run demo test lint format lock clean reliability bench bench-quick fuzz

install: $(STAMP)

# Re-installs only when the pinned requirements or the project's metadata change.
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: install
	$(BIN)/pmbot run

demo: install
	$(BIN)/pmbot demo

# On SQLite always; on PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
test: install
	$(BIN)/python -m pytest

# The command grammar under hypothesis with far more inputs than CI's 10,000 (tests/test_fuzz_commands.py):
# FUZZ_EXAMPLES through the parser, a tenth of them through the whole service.
fuzz: install
	FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),200000) $(BIN)/python -m pytest tests/test_fuzz_commands.py

# The long runs of docs/RELIABILITY.md (SIGKILLs during a digest run, 200 clients for 60 s), on PostgreSQL:
# RELIABILITY_DATABASE_URL or TEST_DATABASE_URL if set, else a throwaway server. QUICK=1 for small sizes.
reliability: install
	$(BIN)/python -m reliability.crash $(if $(QUICK),--quick); crash=$$?; \
	$(BIN)/python -m reliability.load $(if $(QUICK),--quick); load=$$?; \
	exit $$((crash | load))

# Benchmarks (bench/, docs/PERFORMANCE.md): each figure and target with PASS or FAIL; not run by CI.
# PostgreSQL too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set, in a schema of its own there.
bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Pin the newest versions the ranges in pyproject.toml allow.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet . && .lock-venv/bin/pip freeze --exclude pmbot | sort -f > .lock-runtime
	.lock-venv/bin/pip install --quiet ".[dev]" && .lock-venv/bin/pip freeze --exclude pmbot | sort -f > .lock-all
	{ echo "# Exact versions of pmbot's runtime dependencies; regenerate with \`make lock\`."; cat .lock-runtime; } > requirements.lock
	{ echo "# Exact versions of the development tools (tests, lint); regenerate with \`make lock\`."; \
	  echo "-r requirements.lock"; grep -vxFf .lock-runtime .lock-all; } > requirements-dev.lock
	rm -rf .lock-venv .lock-runtime .lock-all

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
