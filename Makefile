# DeltaDesk: two commands on a fresh machine — `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 5000
export DATA_DIR ?= $(CURDIR)/data

.PHONY: run test bench lint setup assets browser clean seed maintain

setup: $(VENV)/.installed assets

# Each stage says what it does first: pip prints its own progress (no --quiet: the first install takes minutes).
$(VENV)/.installed: pyproject.toml
	@echo "==> Creating virtualenv ($(VENV))"
	$(PY) -m venv $(VENV)
	@echo "==> Installing Python packages (takes a few minutes the first time)"
	$(BIN)/pip install --upgrade --progress-bar on pip
	$(BIN)/pip install --progress-bar on -e '.[test]'
	touch $@

# The one way to build front-end assets, the same two steps Databricks Apps runs on deploy:
# npm install (package.json, package-lock.json), then npm run build (scripts/build-assets.mjs -> static/vendor/).
# The target is one of the files the build writes (it rewrites static/vendor/ whole).
assets: static/vendor/htmx.min.js

static/vendor/htmx.min.js: package.json package-lock.json scripts/build-assets.mjs
	@echo "==> Installing front-end assets"
	npm install --no-audit --no-fund
	npm run build

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

seed: setup
	@echo "==> Loading demo data"
	USE_MOCK_DATA=$${USE_MOCK_DATA:-1} $(BIN)/flask --app wsgi seed

run: setup seed
	@test "$${AUTH_MODE:-dev}" != dev || $(BIN)/python scripts/sign_in_hint.py --rbac "$${RBAC_FILE:-$(CURDIR)/rbac.dev.toml}" --url http://127.0.0.1:$(PORT)/sign-in
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
