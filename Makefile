# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM := $(shell command -v npm)
JS_STAMP := node_modules/.installed

POLNEAR ?= ../shared/corpora/polnear
SCORER ?= ../shared/tools/eval_attribution.py

.PHONY: serve test install eval soak bench bench-quick clean-db

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Node tools the suite drives (GraphQL-over-HTTP audit, Apollo client, Playwright); skipped without npm.
$(JS_STAMP): package.json
	npm install --no-audit --no-fund --silent
	touch $(JS_STAMP)

install: $(STAMP) $(if $(NPM),$(JS_STAMP))

## serve the seeded API with GraphiQL at http://127.0.0.1:8000/graphql (SQLite ./quotegraph.db by default)
serve: $(STAMP)
	$(BIN)/python -m api serve

## lint, type-check and run the whole suite (PostgreSQL variants need TEST_DATABASE_URL)
test: $(STAMP) $(if $(NPM),$(JS_STAMP))
	$(BIN)/ruff check api tests migrations bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

## score extraction on the PolNeAR dev split with the reference scorer
eval: $(STAMP)
	$(BIN)/python -m api extract --json $(POLNEAR)/dev/text/*.txt > .eval-dev.jsonl
	python3 $(SCORER) $(POLNEAR)/dev .eval-dev.jsonl

## 60 s soak over two workers on PostgreSQL (not in CI; needs wrk)
soak: $(STAMP)
	$(BIN)/python -m bench.soak

## Quotegraph vs PostGraphile V5 vs raw SQL, side by side (not in CI; needs wrk, npm, PostgreSQL)
bench: $(STAMP)
	$(BIN)/python -m bench

## the same in under 5 minutes: 2,000 articles, 5 s per case, concurrency 8
bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

clean-db:
	rm -f quotegraph.db quotegraph.db-wal quotegraph.db-shm
