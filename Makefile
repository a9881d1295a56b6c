# One command for each routine job; each does its own set-up from nothing.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo demo-province web test test-unit lint bench docs clean at-scale at-scale-small

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

## demo: load the bundled 2020 plan into a fresh embedded database and show it
demo: $(STAMP)
	$(BIN)/python -m cchc.demo

## demo-province: a small province from nothing in var/demo-province — five wards of Quận 1, two merged on 1 July, the province's template derived to each, a year's self-assessments, the council's two rounds of appraisal and the ranking (XLSX, DOCX)
demo-province: $(STAMP)
	$(BIN)/python -m cchc.demo_province

## web: the web pages and the JSON API on the demo database (var/demo, made by `make demo` when absent) at http://localhost:8080; the demo officers sign in with DEMO_PASSWORD
DEMO_PASSWORD ?= demo-cchc-2020
DEMO_OFFICERS := hung.nv@phuhuu.gov.vn mai.tt@phuhuu.gov.vn nhung.pth@phuhuu.gov.vn phat.ht@phuhuu.gov.vn
web: $(STAMP)
	@test -f var/demo/cchc.sqlite3 || $(MAKE) demo
	@for email in $(DEMO_OFFICERS); do \
	  printf '%s\n' '$(DEMO_PASSWORD)' | CCHC_HOME=var/demo $(BIN)/python -m cchc.cli user password $$email || exit 1; \
	done
	CCHC_HOME=var/demo $(BIN)/python -m cchc.cli web --port 8080

## test: the whole suite, on SQLite and on PostgreSQL (localhost:5432), then the command-line tests again through a preloaded process (cchc preload); installs LibreOffice and poppler-utils first (scripts/system-deps)
test: $(STAMP)
	scripts/system-deps
	$(BIN)/python -m pytest -n auto --dist loadscope
	CCHC_TEST_CLI=preload $(BIN)/python -m pytest -n auto --dist loadscope tests/acceptance

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

## lint: ruff, mypy (strict on the core), import-linter, the generated docs and the compiled message catalogues are current
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m cchc.docs --check
	$(BIN)/python -m cchc.messages_build --check

## docs: regenerate the JSON Schemas and the README's command reference; compile the message catalogues (.po → .mo)
docs: $(STAMP)
	$(BIN)/python -m cchc.messages_build
	$(BIN)/python -m cchc.docs

## at-scale-small: the at-scale replay, small (CI): 3 wards, a quarter in 3 simulated days, the embedded runner against Prefect with 2 process workers while PostgreSQL refuses connections for 30 s (a few minutes; PostgreSQL on localhost:5432)
at-scale-small: $(STAMP)
	CCHC_AT_SCALE=1 $(BIN)/python -m pytest -m atscale tests/integration/test_at_scale_replay.py

## at-scale: the full at-scale replay: 168 wards, a quarter in 7 fortnightly ticks, the embedded runner, Prefect with 1 and with 2 process workers (a worker killed mid-sweep, the Prefect server restarted, PostgreSQL refusing connections for 30 s); figures in benchmarks/results.md and var/at-scale.json (about 40 minutes on 2 cores)
at-scale: $(STAMP)
	@mkdir -p var
	$(BIN)/python -m benchmarks.at_scale --units 168 --step 14 --workers 2 1 --json var/at-scale.json --results benchmarks/results.md

## bench: run the benchmarks and write benchmarks/results.md
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --out benchmarks/results.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
