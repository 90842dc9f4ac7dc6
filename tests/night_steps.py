"""The night's steps in the DAG's order, without Airflow: for tests that need many nights, or a
night killed at a chosen step (dags/retention_nightly.py wires the same functions).

As in the DAG, the first step that fails is recorded in the attempt's journal and a degraded D
is published (G5); the error raised is the one `night_result` raises (NightFailed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hygiene import nightly
from hygiene.attempts import Attempt
from hygiene.settings import (
    DBT_PROJECT_DIR,
    NIGHTLY_DBT_ENV,
    PROJECT_ROOT,
    Settings,
    nightly_dbt_build,
)

TEST_HASH_KEY = "test-only-key"  # as tests/airflow_runner.py


class DbtFailed(Exception):
    """`dbt build` failed (the DAG's Cosmos producer would)."""


def dbt_build(attempt: Attempt) -> None:
    """`dbt build` of the night, as the Cosmos producer runs it: a subprocess on the attempt's
    warehouse, without the unit tests."""
    with tempfile.TemporaryDirectory(prefix="dbt-") as scratch:
        _dbt_build(attempt, Path(scratch))


def _dbt_build(attempt: Attempt, target: Path) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *nightly_dbt_build(attempt.run_date, target / "target", target / "logs"),
        ],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
        env={
            **os.environ,
            **NIGHTLY_DBT_ENV,
            "HYGIENE_WAREHOUSE": str(attempt.warehouse),
            "HYGIENE_HASH_KEY": os.environ.get("HYGIENE_HASH_KEY") or TEST_HASH_KEY,
            "PYTHONPATH": str(PROJECT_ROOT / "plugins"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
    )
    if result.returncode != 0:
        raise DbtFailed(result.stdout[-3000:])


def run_night(settings: Settings, run_date: str, run_id: str = "night-steps") -> str:
    """One night of D; the published folder. On a failure: the degraded D, then NightFailed."""
    attempt = Attempt(settings, run_date, run_id)
    step = "verify_landing"
    try:
        landed = nightly.verify_landing(attempt)
        step = "load_raw"
        loaded = nightly.load_raw(attempt)
        step = "check_raw"
        checks = nightly.check_raw(attempt, landed, loaded)
        step = "rules"
        dbt_build(attempt)
        step = "check_marts"
        checks |= nightly.check_marts(attempt)
        step = "guard_deletions"
        hold = nightly.guard_deletions(attempt)
        step = "write_outputs"
        outputs = nightly.write_outputs(attempt, hold, loaded)
        step = "write_report"
        nightly.write_report(attempt, landed, checks, hold, loaded)
        step = "publish"
        manifest = nightly.run_manifest(landed, loaded, checks, hold, outputs)
        return nightly.publish_run(attempt, manifest)["path"]
    except Exception as error:  # the DAG's failure callback, publish_degraded, night_result
        nightly.record_failure(attempt, step, error)
        nightly.publish_degraded(attempt)
        nightly.night_result(attempt)
        raise
