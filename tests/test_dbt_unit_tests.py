"""The dbt unit tests (`unit_tests:` in dbt_project/models/**.yml), one per rule case of RULES.md.

The nightly `dbt build` leaves them out (hygiene.settings.NIGHTLY_DBT_EXCLUDE): they check the
SQL on fixed inputs, so this is where they run. dbt needs the models' parents to exist to type
the columns a fixture leaves out, so the build runs on a small generated night, unit tests
included, and every unit test of the project must have run and passed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hygiene import nightly
from hygiene.attempts import Attempt
from hygiene.generate import generate_landing
from hygiene.settings import DBT_PROJECT_DIR, NIGHTLY_DBT_EXCLUDE, PROJECT_ROOT, Settings
from night_steps import dbt_build as nights_dbt_build

pytestmark = pytest.mark.slow

RUN_DATE = "2026-11-28"
DBT = str(Path(sys.executable).with_name("dbt"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Attempt, Attempt]:
    """A small generated night loaded into the warehouse of one attempt, and a copy of that
    warehouse as loaded, the other attempt's."""
    root = tmp_path_factory.mktemp("dbt_unit")
    settings = Settings(root / "landing", root / "output", root / "warehouse")
    generate_landing(settings.landing(RUN_DATE), date.fromisoformat(RUN_DATE), 50)
    attempt = Attempt(settings, RUN_DATE, "dbt-unit-tests")
    attempt.start()
    nightly.load_raw(attempt)
    night = Attempt(settings, RUN_DATE, "night-build")
    shutil.copyfile(attempt.warehouse, night.warehouse)
    return attempt, night


@pytest.fixture(scope="module")
def dbt_build(loaded) -> Path:
    """`dbt build` with the unit tests; returns its target folder."""
    attempt, _ = loaded
    target = attempt.warehouse.parent.parent / "target"
    result = subprocess.run(
        [
            DBT, "build",
            "--vars", json.dumps({"run_date": RUN_DATE}),
            "--target-path", str(target), "--log-path", str(target.parent / "logs"),
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


# read after dbt (the report, the lists, the marts suite), so kept in the file by the night too
INTERMEDIATES_READ_AFTER_DBT = {"int_booking_links", "int_booking_deadlines", "int_invalid_addresses"}


def test_the_nights_build_keeps_its_working_tables_in_memory_and_decides_the_same(
    dbt_build, loaded
):
    """Decision 75: the night's one `dbt build` keeps dbt's working tables in its own memory.
    Its warehouse file holds no other intermediate table nor any view of them, and every table
    it does hold has the rows of the build above, which wrote every table to the file."""
    in_file, night = loaded
    nights_dbt_build(night)
    with duckdb.connect(str(night.warehouse), read_only=True) as nights:
        nights.execute(f"attach '{in_file.warehouse}' as in_file (read_only)")
        tables = nights.execute(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = current_database()"
        ).fetchall()
        assert {t for s, t in tables if s == "intermediate"} == INTERMEDIATES_READ_AFTER_DBT
        views = nights.execute(
            "select view_name from duckdb_views()"
            " where database_name = current_database() and schema_name = 'intermediate'"
        ).fetchall()
        assert views == []  # a view of a working table in the file would name a table gone
        in_file_tables = nights.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'in_file'"
        ).fetchall()
        assert {t for s, t in in_file_tables if s == "intermediate"} > INTERMEDIATES_READ_AFTER_DBT
        assert {"marts", "staging"} <= {s for s, _ in tables}
        for schema, table in tables:
            ours, theirs = f"{schema}.{table}", f"in_file.{schema}.{table}"
            differing = nights.execute(
                f"select count(*) from ((from {ours} except all from {theirs})"
                f" union all (from {theirs} except all from {ours}))"
            ).fetchone()[0]
            assert differing == 0, ours
