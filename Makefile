# Parley: `make run` starts the server, `make test` runs the whole suite.

VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

NODE_STAMP := node_modules/.package-lock.json

.PHONY: run test test-sqlite test-postgresql test-stock lint format clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The Socket.IO JavaScript client, for the end-to-end tests and the web client.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

## run: serve on http://127.0.0.1:8000 (SQLite in instance/ unless DATABASE_URL is set)
run: $(STAMP) $(NODE_STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" flask db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" python wsgi.py

## test: lint, then the whole suite on SQLite and on a throw-away PostgreSQL,
## then the end-to-end, JavaScript-client and browser tests on the stock transport
test: lint test-sqlite test-postgresql test-stock

test-sqlite: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest --db=sqlite

test-postgresql: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest --db=postgresql

# REALTIME_TRANSPORT=stock: the libraries' own code paths (docs/deploy.md).
test-stock: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest --db=sqlite --transport=stock tests/e2e tests/browser
	$(BIN)/pytest --db=postgresql --transport=stock tests/e2e tests/browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance node_modules
