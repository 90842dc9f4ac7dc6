"""Where a run reads and writes (CONTRACT.md "Running it"), read from the environment when asked,
and which D a run is for. Cheap to import: the scheduler loads it with the plugins."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The checkout: plugins/hygiene/settings.py → the repository root.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
POLICY_SEED = DBT_PROJECT_DIR / "seeds" / "retention_policy.csv"
# dbt's documentation as one page, built by `make docs` (and `make ui`, the Dockerfile).
DBT_DOCS_PAGE = PROJECT_ROOT / ".build" / "dbt-docs" / "static_index.html"
# What the nightly `dbt build` leaves out, to `make test` (tests/test_dbt_unit_tests.py runs the
# whole build): the unit tests (`unit_tests:` in the models' YAML) check the SQL on fixed inputs,
# as dbt advises for production; the data tests (`data_tests:`) guard the SQL too: given extracts
# that pass the `raw_extracts` suite they hold by construction, and what can fail on new data is
# checked once, on the published tables, by the `consent_proof` and `marts` suites (and the
# policy file by hygiene.policy before a run reads it).
NIGHTLY_DBT_EXCLUDE = ["resource_type:unit_test", "resource_type:test"]
# The nightly `dbt build` keeps dbt's working tables (the intermediate models that no step after
# dbt reads) in its own memory instead of the warehouse file (dbt_project.yml). Set on that one
# build only (the DAG's Cosmos producer, bench/bench_night.py, tests/night_steps.py): a model
# built alone, in a process of its own, must find its inputs in the file (docs/decisions.md, 75).
NIGHTLY_DBT_ENV = {"HYGIENE_DBT_WORKING_TABLES": "memory"}


def nightly_dbt_build(run_date: str, target: Path, logs: Path) -> list[str]:
    """The arguments after `dbt` of the night's build, as the Cosmos producer runs it, for those
    that run it without Airflow (bench/bench_night.py, tests/night_steps.py); its environment
    adds NIGHTLY_DBT_ENV."""
    return [
        "build",
        "--vars", json.dumps({"run_date": run_date}),
        "--target-path", str(target), "--log-path", str(logs),
        "--exclude", *NIGHTLY_DBT_EXCLUDE,
    ]
# The nightly DAG (dags/retention_nightly.py), as `make run`, the run notes and the tests name it.
NIGHTLY_DAG_ID = "retention_nightly"
# Set by `make run` (hygiene.foreground): one process runs the whole night, under `airflow dags test`.
FOREGROUND_VARIABLE = "HYGIENE_FOREGROUND"
# The embedded default: Airflow's home and SQLite metadata database under the checkout.
EMBEDDED_AIRFLOW_HOME = PROJECT_ROOT / ".airflow"


def embedded_airflow_env() -> dict[str, str]:
    """The Airflow settings of the embedded default, as the Makefile exports them (a test holds
    the two equal): its metadata database under the checkout, our DAGs and plugins only, the UI
    on this machine only, D read in Amsterdam, and no telemetry."""
    return {
        "AIRFLOW_HOME": str(EMBEDDED_AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # the UI (`make ui`) answers on this machine only: it shows the privacy officer's pages
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{EMBEDDED_AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
    }


def use_embedded_airflow_unless_configured() -> None:
    """Where no Airflow is configured (no AIRFLOW_HOME: `.venv/bin/hygiene` run by hand, not by
    `make`), use the embedded one, so that an approval reaches the Airflow of `make run` rather
    than an empty `~/airflow`. Whatever a deployment sets itself (AIRFLOW_HOME, or only its
    database's AIRFLOW__DATABASE__SQL_ALCHEMY_CONN) stays as it is."""
    if "AIRFLOW_HOME" not in os.environ:
        for name, value in embedded_airflow_env().items():
            os.environ.setdefault(name, value)


@dataclass(frozen=True)
class Settings:
    landing_root: Path  # $HYGIENE_LANDING_DIR: one folder per D
    output_root: Path  # $HYGIENE_OUTPUT_DIR: published runs and the state that outlives them
    warehouse_dir: Path  # $HYGIENE_WAREHOUSE_DIR: the disposable DuckDB files, one per attempt

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_root=_path("HYGIENE_LANDING_DIR", PROJECT_ROOT / "data" / "landing"),
            output_root=_path("HYGIENE_OUTPUT_DIR", PROJECT_ROOT / "data" / "output"),
            warehouse_dir=_path("HYGIENE_WAREHOUSE_DIR", PROJECT_ROOT / "data" / "warehouse"),
        )

    def landing(self, run_date: str) -> Path:
        return self.landing_root / run_date


def _path(variable: str, default: Path) -> Path:
    return Path(os.environ.get(variable) or default).resolve()


def run_date_of(moment: datetime) -> str:
    """D: the date of the run's logical moment in Europe/Amsterdam (RULES.md "Terms")."""
    return moment.astimezone(AMSTERDAM).date().isoformat()
