"""Run the nightly DAG the way `make run` does (`airflow dags test`), against folders of a test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hygiene.foreground import airflow_command
from hygiene.settings import EMBEDDED_AIRFLOW_HOME, NIGHTLY_DAG_ID, embedded_airflow_env

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Folders:
    landing_root: Path
    output_root: Path
    warehouse_dir: Path


def airflow_env(folders: Folders | None = None) -> dict[str, str]:
    """The environment of the Makefile: SQLite metadata DB under the checkout, our DAGs only."""
    env = {
        **os.environ,
        **embedded_airflow_env(),
        "PYTHONPATH": str(PROJECT_ROOT / "plugins"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "SCARF_NO_ANALYTICS": "true",
        "HYGIENE_HASH_KEY": "test-only-key",
        # `airflow dags test` runs one task at a time: the dbt watcher sensors reschedule
        # (dags/retention_nightly.py, SENSOR_MODES)
        "HYGIENE_DBT_SENSOR_MODE": "reschedule",
        # one process runs the whole attempt: a dead process means a killed run (hygiene.attempts)
        "HYGIENE_FOREGROUND": "1",
    }
    if folders is not None:
        env |= {
            "HYGIENE_LANDING_DIR": str(folders.landing_root),
            "HYGIENE_OUTPUT_DIR": str(folders.output_root),
            "HYGIENE_WAREHOUSE_DIR": str(folders.warehouse_dir),
        }
    return env


def ensure_metadata_db() -> None:
    """`make test` migrates the DB first; this covers pytest started on its own."""
    if not (EMBEDDED_AIRFLOW_HOME / "airflow.db").exists():
        EMBEDDED_AIRFLOW_HOME.mkdir(exist_ok=True)
        subprocess.run(
            [str(BIN / "airflow"), "db", "migrate"], env=airflow_env(), check=True,
            capture_output=True,
        )


def run_dag(
    run_date: str, folders: Folders, extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    """One night for D, in the foreground; returns the finished process (output captured).

    `extra_env` adds or overrides variables of the run, e.g. the operator settings of
    CONTRACT.md ("Settings operators tune without code") such as HYGIENE_DELETION_HOLD_SHARE.
    """
    ensure_metadata_db()
    return subprocess.run(
        airflow_command("dags", "test", NIGHTLY_DAG_ID, run_date),
        env=airflow_env(folders) | dict(extra_env or {}),
        capture_output=True, text=True, cwd=PROJECT_ROOT, check=False,
    )
