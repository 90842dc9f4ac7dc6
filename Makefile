# Two commands for a new user (README.md): `make demo` and `make test`. Both install what they
# need first: uv from PyPI into .tools/, then the locked environment (uv.lock) into .venv/.
# Install chatter goes to .tools/install.log; the terminal gets a line per step.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
DATE ?= $(shell TZ=Europe/Amsterdam date +%F)
DEMO_CONTACTS ?= 2000

# Airflow: embedded SQLite metadata DB under the checkout; our DAGs and package only. The same as
# hygiene.settings.embedded_airflow_env, which `.venv/bin/hygiene` run by hand uses (a test holds them equal).
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
# The UI of `make ui` answers on this machine only: it shows the privacy officer's pages.
export AIRFLOW__API__HOST ?= 127.0.0.1
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(CURDIR)/.airflow/airflow.db
export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING
# D is a date in Amsterdam; two cores run two tasks at a time (the night is a chain anyway).
export AIRFLOW__CORE__DEFAULT_TIMEZONE := Europe/Amsterdam
export AIRFLOW__CORE__PARALLELISM := $(shell echo $$(( $$(nproc) * 2 )))
export PYTHONPATH := $(CURDIR)/plugins
export PATH := $(BIN):$(PATH)
# A privacy product sends nothing home.
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export SCARF_NO_ANALYTICS := true
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export AIRFLOW__USAGE_DATA_COLLECTION__ENABLED := False
# Where a run reads and writes (CONTRACT.md "Running it"); override in the environment.
export HYGIENE_LANDING_DIR ?= $(CURDIR)/data/landing
export HYGIENE_OUTPUT_DIR ?= $(CURDIR)/data/output
export HYGIENE_WAREHOUSE_DIR ?= $(CURDIR)/data/warehouse
HASH_KEY_FILE := $(CURDIR)/data/.hash_key

.PHONY: help install browser demo run test test-fast bench docs ui lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

INSTALL_LOG := .tools/install.log

$(UV):
	@echo "Installing uv $(UV_VERSION) into .tools/ (log: $(INSTALL_LOG))"
	@$(PYTHON) -m venv .tools
	@.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)" > $(INSTALL_LOG) 2>&1 \
		|| { tail -20 $(INSTALL_LOG); exit 1; }

# --compile-bytecode: the environment's modules compiled once per install (12 s), not at each
# start of Airflow, GX and dbt where Python may not write its cache (PYTHONDONTWRITEBYTECODE,
# read-only venvs): 9 of the Airflow process's 36 s in a small night (issue "Performance").
# The Makefile is a prerequisite: a changed install recipe installs again.
$(VENV)/.installed: $(UV) pyproject.toml uv.lock Makefile
	@echo "Installing the locked environment (uv.lock) into .venv/ (log: $(INSTALL_LOG))"
	@$(UV) sync --frozen --compile-bytecode --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" \
		>> $(INSTALL_LOG) 2>&1 || { tail -30 $(INSTALL_LOG); exit 1; }
	@touch $@

.airflow/airflow.db: $(VENV)/.installed
	@echo "Creating the Airflow metadata database (SQLite) in .airflow/"
	@mkdir -p .airflow
	@airflow db migrate > .airflow/migrate.log 2>&1 || { tail -30 .airflow/migrate.log; exit 1; }

install: $(VENV)/.installed .airflow/airflow.db  ## install uv, the locked environment and the Airflow DB

$(HASH_KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && python -c 'import secrets; print(secrets.token_hex(32))' > $@
	@echo "Made a secret key for the keyed hashes (M8, M10) in $@"

demo: install $(HASH_KEY_FILE)  ## generate demo extracts for today and run the nightly DAG on them
	@echo "Generating demo extracts for $(DATE) ($(DEMO_CONTACTS) contacts)"
	@hygiene generate --date $(DATE) --contacts $(DEMO_CONTACTS) --out "$(HYGIENE_LANDING_DIR)/$(DATE)"
	@$(MAKE) --no-print-directory run DATE=$(DATE)
	@echo
	@hygiene where --date $(DATE)

# `airflow dags test` in the foreground (hygiene.foreground): Airflow's output to logs/, one closing
# line here; the dbt watcher sensors reschedule instead of deferring (README, "Execution mode").
run: install  ## run the nightly DAG for DATE=YYYY-MM-DD in the foreground (exits non-zero on failure)
	@HYGIENE_HASH_KEY="$${HYGIENE_HASH_KEY:-$$(cat $(HASH_KEY_FILE) 2>/dev/null || true)}" \
		hygiene run --date $(DATE)

# The report is checked in a real browser: Debian's chromium, installed when missing and we are
# root (as CI is); otherwise those tests say they were skipped and why.
browser:
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || { \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# TESTS= narrows a run to some tests, e.g. make test TESTS="tests/test_guards.py -k overdue".
# pytest-xdist runs a worker per core, a test file at a time on one worker (its module fixtures,
# a night or an Airflow, are made once): 17.8 -> 12.2 min on two cores. PYTEST_WORKERS=0 runs
# the tests in this process, one after the other.
PYTEST_WORKERS ?= auto
PYTEST := pytest -n $(PYTEST_WORKERS) --dist loadfile

test: install browser  ## the whole test suite
	$(PYTEST) $(TESTS)

test-fast: install  ## unit tests only (minutes)
	$(PYTEST) -m "not e2e and not slow and not browser" $(TESTS)

bench: install $(HASH_KEY_FILE)  ## nights at 100,000 and 1,000,000 contacts (BENCH_10M=1 adds 10,000,000): bench/results.md
	HYGIENE_DELETION_HOLD_SHARE=1 python bench/bench.py $(if $(BENCH_10M),--with-10m,)

# dbt's documentation of the rules (models, lineage, exposures) as one self-contained page, built
# again whenever the project changes; the UI serves it (hygiene.ui, /hygiene/dbt-docs).
DBT_DOCS := .build/dbt-docs/static_index.html
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds -type f) dbt_project/dbt_project.yml

$(DBT_DOCS): $(VENV)/.installed $(DBT_SOURCES)
	@echo "Building dbt's documentation of the rules into $(dir $@)"
	@hygiene dbt-docs > /dev/null

docs: $(DBT_DOCS)  ## build dbt's documentation of the rules (the UI serves it)

PASSWORDS := .airflow/simple_auth_manager_passwords.json.generated

# The login of the embedded UI: user admin, a password made once and kept in .airflow/.
$(PASSWORDS): | .airflow/airflow.db
	@umask 077 && python -c 'import json, secrets; print(json.dumps({"admin": secrets.token_urlsafe(12)}))' > $@

ui: install $(HASH_KEY_FILE) $(PASSWORDS) $(DBT_DOCS)  ## the Airflow UI (airflow standalone) on http://localhost:8080
	@echo "Airflow UI: http://localhost:8080  user admin, password $$(python -c 'import json; print(json.load(open("$(PASSWORDS)"))["admin"])')"
	@echo "Unpause retention_nightly (and approve_deletions) with the switch beside its name; Ctrl+C stops it."
	@HYGIENE_HASH_KEY="$${HYGIENE_HASH_KEY:-$$(cat $(HASH_KEY_FILE))}" \
		AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin airflow standalone

lint: install  ## ruff and sqlfluff
	ruff check plugins dags tests bench
	@# the dbt templater opens the profile's warehouse: a scratch one, never the nightly's
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
		cd dbt_project && HYGIENE_WAREHOUSE="$$scratch/lint.duckdb" sqlfluff lint models

clean:  ## remove generated data, the warehouse and the Airflow DB (not the outputs' history)
	rm -rf .airflow .build data/landing data/warehouse dbt_project/target dbt_project/logs
