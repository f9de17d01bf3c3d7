# in2spire-bot — everyday commands. `make run` and `make test` are all a newcomer needs.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PYTHON  ?= python3
STAMP   := $(VENV)/.installed-stamp

.PHONY: install run migrate test lint format typecheck bench sandbox-emulator clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set up and start the bot (long polling; webhook when WEBHOOK_URL is set).
## Migrations are applied first. Without BOT_TOKEN it starts the local sandbox
## instead (emulator + the real bot + a chat page on http://127.0.0.1:8080).
run: install
	$(VENV)/bin/in2spire run

migrate: install
	$(VENV)/bin/in2spire migrate

## The full test suite on SQLite; with TEST_DATABASE_URL (PostgreSQL) the storage and
## end-to-end tests run there too. "No tests collected" counts as a failure.
test: install
	@$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$rc

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	$(VENV)/bin/mypy

bench: install
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/registration.py
	$(PY) benchmarks/matching.py

sandbox-emulator: install
	$(PY) -m sandbox --port 8081 --no-rate-limits

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis build *.egg-info
