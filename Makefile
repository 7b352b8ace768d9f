# DeltaDesk: two commands on a fresh machine — `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 5000
export DATA_DIR ?= $(CURDIR)/data

.PHONY: run test bench lint setup assets browser clean seed maintain

setup: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: static/vendor/htmx.min.js

static/vendor/htmx.min.js: package.json
	npm install --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/dist/htmx.js static/vendor/
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

seed: setup
	USE_MOCK_DATA=$${USE_MOCK_DATA:-1} $(BIN)/flask --app wsgi seed

run: setup seed
	AUTH_MODE=$${AUTH_MODE:-dev} RBAC_FILE=$${RBAC_FILE:-$(CURDIR)/rbac.dev.toml} $(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m bench.run

maintain: setup
	$(BIN)/flask --app wsgi delta-maintain

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules static/vendor data test-artifacts
