# ruhrgraph: `make serve` and `make test` do all their own set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
STAMP  := $(VENV)/.installed

.PHONY: help install build serve test lint bench system-deps node-deps clean translations vendor-yasgui

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install ruhrgraph (editable) with the test extra

system-deps: ## Install Debian's chromium, wrk, nginx and Virtuoso (browser, bench, engine tests) if missing
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1 \
	    || ! command -v nginx >/dev/null 2>&1 || ! command -v virtuoso-t >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium wrk nginx virtuoso-opensource >/dev/null; \
	fi

build: install ## Build the graph into data/build/current
	$(VENV)/bin/ruhrgraph build

serve: build ## Build, then serve on http://$(HOST):$(PORT) with a production server
	$(VENV)/bin/ruhrgraph serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $(NODE_STAMP)

node-deps: $(NODE_STAMP) ## Install the pinned npm tools (package-lock.json): axe-core, YASGUI, Comunica's comunica-sparql

# YASGUI (the query page's editor) is served from the repository, never from a CDN: its built
# files and licences are copied from the pinned npm package and checked against SHA256SUMS.
# After changing the pin in package.json, delete SHA256SUMS and run this to write new sums.
YASGUI_NPM := node_modules/@triply/yasgui
YASGUI_DIR := ruhrgraph/web/static/vendor/yasgui
YASGUI_FILES := build/yasgui.min.js build/yasgui.min.css build/yasgui.min.js.LICENSE.txt LICENSE.txt
vendor-yasgui: node-deps ## Copy YASGUI's built files and licence from node_modules, check their sha256
	mkdir -p $(YASGUI_DIR)
	for f in $(YASGUI_FILES); do cp $(YASGUI_NPM)/$$f $(YASGUI_DIR)/; done
	node -p 'require("./$(YASGUI_NPM)/package.json").version' > $(YASGUI_DIR)/VERSION
	cd $(YASGUI_DIR) && { [ -f SHA256SUMS ] || sha256sum $(notdir $(YASGUI_FILES)) VERSION > SHA256SUMS; } \
	  && sha256sum -c --strict SHA256SUMS

test: install system-deps node-deps lint ## Lint, then run the whole test suite
	$(PY) -m pytest

lint: install ## ruff over the package, tests, benchmarks and server.py
	$(VENV)/bin/ruff check ruhrgraph tests bench server.py

bench: install system-deps build ## Run the benchmarks in bench/ (figures in bench/results/)
	$(PY) bench/run_all.py

BABEL_DIR := ruhrgraph/web/translations
translations: install ## Extract the interface's messages, update the German catalogue, compile it
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project ruhrgraph --copyright-holder "ruhrgraph developers" -o $(BABEL_DIR)/messages.pot .
	$(VENV)/bin/pybabel update -i $(BABEL_DIR)/messages.pot -d $(BABEL_DIR) -l de --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(BABEL_DIR) --statistics

clean: ## Remove the build output and caches (keeps .venv)
	rm -rf data/build tests/artifacts bench/results .pytest_cache .ruff_cache
