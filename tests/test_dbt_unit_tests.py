"""The dbt unit tests (`unit_tests:` in dbt_project/models/**.yml), one per rule case of RULES.md.

The nightly `dbt build` leaves them out (hygiene.settings.NIGHTLY_DBT_EXCLUDE): they check the
SQL on fixed inputs, so this is where they run. dbt needs the models' parents to exist to type
the columns a fixture leaves out, so the build runs on a small generated night, unit tests
included, and every unit test of the project must have run and passed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hygiene import nightly
from hygiene.attempts import Attempt
from hygiene.generate import generate_landing
from hygiene.settings import DBT_PROJECT_DIR, NIGHTLY_DBT_EXCLUDE, PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

RUN_DATE = "2026-11-28"
DBT = str(Path(sys.executable).with_name("dbt"))


@pytest.fixture(scope="module")
def dbt_build(tmp_path_factory) -> Path:
    """`dbt build` with the unit tests; returns its target folder."""
    root = tmp_path_factory.mktemp("dbt_unit")
    settings = Settings(root / "landing", root / "output", root / "warehouse")
    generate_landing(settings.landing(RUN_DATE), date.fromisoformat(RUN_DATE), 50)
    attempt = Attempt(settings, RUN_DATE, "dbt-unit-tests")
    attempt.start()
    nightly.load_raw(attempt)
    target = root / "target"
    result = subprocess.run(
        [
            DBT, "build",
            "--vars", json.dumps({"run_date": RUN_DATE}),
            "--target-path", str(target), "--log-path", str(root / "logs"),
        ],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
        env={
            **os.environ,
            "HYGIENE_WAREHOUSE": str(attempt.warehouse),
            "HYGIENE_HASH_KEY": "test-only-key",
            "PYTHONPATH": str(PROJECT_ROOT / "plugins"),  # the DuckDB plugin hygiene.dbt_udfs
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    return target


def test_every_unit_test_of_the_project_runs_and_passes(dbt_build):
    defined = set(json.loads((dbt_build / "manifest.json").read_text())["unit_tests"])
    results = json.loads((dbt_build / "run_results.json").read_text())["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert len(defined) >= 80  # at least one case that fires and one that must not, per rule
    assert set(ran) == defined
    assert {uid for uid, status in ran.items() if status != "pass"} == set()


def test_the_nightly_build_leaves_exactly_the_tests_out(tmp_path):
    """What NIGHTLY_DBT_EXCLUDE selects is the unit and data tests and nothing else: every model
    and the policy seed are built each night."""
    listed = subprocess.run(
        [
            DBT, "--quiet", "ls",
            "--select", *NIGHTLY_DBT_EXCLUDE, "--output", "json", "--output-keys", "resource_type",
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        ],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=True,
        env={**os.environ, "HYGIENE_WAREHOUSE": "/nonexistent/never-opened.duckdb"},
    )
    resource_types = {json.loads(line)["resource_type"] for line in listed.stdout.splitlines()}
    assert resource_types == {"unit_test", "test"}
