# Two commands matter: `make run` and `make test`. Each sets up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# `make run` installs only what the server needs; everything else also needs
# the test tools (ruff, pytest, Playwright...), which take far longer to fetch.
RUN_STAMP := $(VENV)/.run-$(HASH)
STAMP := $(VENV)/.test-$(HASH)

.PHONY: run test lint format bench clean messages lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@rm -f $(VENV)/.run-*
	@touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.test-* $(VENV)/.run-*
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/cares serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# axe-core, which the accessibility tests inject into pages (package.json).
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-*
	@touch $@

test: $(STAMP) $(NODE_STAMP) lint
	$(BIN)/python -m pytest

# Extract the UI strings from the templates and merge them into every
# language's catalog. New strings arrive untranslated (changed ones marked
# fuzzy) for a translator to fill; tests/test_i18n.py fails until they are.
TRANSLATIONS := pwa/translations
UI_LANGUAGES := fr ar es
messages: $(STAMP)
	@mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-output \
		--no-wrap -k _ -k gettext -k ngettext:1,2 -k count_texts:1,2 --project=CARES \
		-o build/messages.pot pwa/templates
	@for lang in $(UI_LANGUAGES); do \
		$(BIN)/pybabel update --init-missing --no-wrap --ignore-obsolete --ignore-pot-creation-date \
			-i build/messages.pot -d $(TRANSLATIONS) -l $$lang || exit 1; \
	done

# Measures the public side against baselines; writes bench/results/.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Lighthouse scores for a few pages against a local server: a measurement,
# never part of make test (its own package.json under scripts/lighthouse/).
lighthouse: $(STAMP)
	cd scripts/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/lighthouse.py

clean:
	rm -rf $(VENV) var pwa/static/gen node_modules scripts/lighthouse/node_modules
