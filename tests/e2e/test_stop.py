"""`make run` stopped by a service manager, cron's timeout or Ctrl+C: its whole night stops, and
what was published stays whole (docs/decisions.md, 40 and 77)."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing, suppress
from datetime import date
from pathlib import Path

import pytest

from airflow_runner import PROJECT_ROOT, Folders, airflow_env, ensure_metadata_db
from hygiene.foreground import RUN_ID
from hygiene.generate import generate_landing
from hygiene.publish import read_manifest
from hygiene.settings import EMBEDDED_AIRFLOW_HOME, NIGHTLY_DAG_ID

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

D = "2026-11-28"


def signal_session(session: int, signum: int) -> None:
    """Signal every process of `session`, as a service manager stops a unit (systemd's
    KillMode=control-group)."""
    for pid in pids_of_session(session):
        with suppress(ProcessLookupError):
            os.kill(pid, signum)


def pids_of_session(session: int) -> list[int]:
    return [int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat")
            if _session_of(stat) == session]


def _session_of(stat: Path) -> int | None:
    try:
        # the command's name is in parentheses and may hold spaces: fields after the last ")"
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # it ended while we looked
    return int(fields[3]) if fields[0] != "Z" else None


def run_state(output: str) -> tuple[str, str | None]:
    """The state and note in Airflow's database of the run `make run` showed (its log names the
    run)."""
    log = Path(re.search(r"Airflow's output goes to (\S+)", output).group(1))
    run_id = RUN_ID.search(log.read_text()).group(1)
    with closing(sqlite3.connect(EMBEDDED_AIRFLOW_HOME / "airflow.db")) as database:
        found = database.execute(
            "select state, content from dag_run left join dag_run_note "
            "on dag_run_note.dag_run_id = dag_run.id where dag_id = ? and run_id = ?",
            (NIGHTLY_DAG_ID, run_id),
        ).fetchone()
    assert found is not None, f"no run {run_id} in Airflow's database"
    return found


def degraded_announced(folder: Path) -> bool:
    """Whether Airflow's database holds an event of the suppression list's Asset for the degraded
    night published in `folder` (by Airflow's publish_degraded, or by make run after a stop)."""
    with closing(sqlite3.connect(EMBEDDED_AIRFLOW_HOME / "airflow.db")) as database:
        extras = database.execute(
            "select asset_event.extra from asset_event join asset on asset.id = asset_event.asset_id "
            "where asset.name = 'hygiene_suppression_list'"
        ).fetchall()
    return any(json.loads(extra)["path"] == str(folder)
               and json.loads(extra)["status"] == "degraded" for (extra,) in extras)


def stop_the_night_at(folders: Folders, shown_line: str) -> tuple[subprocess.Popen, str]:
    """`hygiene run` for D, every process of it sent SIGTERM once it has shown a line holding
    `shown_line`; returns the ended process and all it showed. A night that never shows the
    line is killed after 3 minutes, and the test fails on what it shows; the stop itself has 2."""
    ensure_metadata_db()
    night = subprocess.Popen(
        [sys.executable, "-m", "hygiene", "run", "--date", D], cwd=PROJECT_ROOT,
        env=airflow_env(folders), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its session holds every process of the night
    )
    deadline = threading.Timer(180, signal_session, (night.pid, signal.SIGKILL))
    deadline.start()
    shown = []
    try:
        for line in night.stdout:
            shown.append(line)
            if shown_line in line:
                deadline.cancel()
                signal_session(night.pid, signal.SIGTERM)
                break
        rest, _ = night.communicate(timeout=120)
    finally:
        deadline.cancel()
        signal_session(night.pid, signal.SIGKILL)
    return night, "".join(shown) + rest


def test_a_stopped_make_run_stops_its_whole_night_and_still_honours_its_objections(tmp_path):
    """SIGTERM to every process of `make run` while dbt builds, as a service manager stops it:
    the night ends (`airflow dags test` alone would go on with its next task), `make run` exits
    143, and, a stopped night being a failed one, G5's degraded update is published: never a
    half night. Whether Airflow's publish_degraded or make run's (it ran when Airflow ended
    before its own, test_foreground) publishes it depends on where the interrupt falls."""
    folders = Folders(tmp_path / "landing", tmp_path / "output", tmp_path / "warehouse")
    generate_landing(folders.landing_root / D, date.fromisoformat(D), contacts=400)
    night, output = stop_the_night_at(folders, "▸ rules: dbt build")
    assert night.returncode == 128 + signal.SIGTERM, output
    assert "■ SIGTERM: stopping the night" in output
    assert (f"STOPPED {D} by SIGTERM in rules.dbt_producer_watcher (") in output
    assert (f"). A degraded {D} was published (G5): {folders.output_root / D}. Run it again with "
            f"`make run DATE={D}`.") in output
    assert pids_of_session(night.pid) == []
    state, note = run_state(output)  # the run's page in the UI says the same
    assert state == "failed"
    assert note.startswith(f"FAILED {D} in task rules.dbt_producer_watcher: ")
    assert note.endswith(f"A degraded {D} was published (G5): {folders.output_root / D}.")
    assert degraded_announced(folders.output_root / D)  # for deliver_exports, when switched on
    manifest = read_manifest(folders.output_root / D)
    assert manifest["status"] == "degraded"
    assert manifest["degraded"]["cause"] == "stopped"
    assert manifest["degraded"]["new_stops"] > 0
    assert not list((folders.output_root / ".staging").glob(f"{D}*/run_manifest.json"))


def test_a_night_without_its_extracts_says_what_it_waits_for(tmp_path):
    """No `_READY` (a wrong DATE, or the exports are late): `make run` says what it waits for,
    how often it looks and how long, instead of a silent wait of hours; a stop ends it."""
    folders = Folders(tmp_path / "landing", tmp_path / "output", tmp_path / "warehouse")
    night, output = stop_the_night_at(folders, "! wait_for_extracts")
    assert (f"  ! wait_for_extracts: no _READY in {folders.landing_root / D} yet (the source "
            "systems write it last, once every extract is there); looking again every 5 "
            "minutes, for at most 4 hours in all\n") in output
    assert night.returncode == 128 + signal.SIGTERM, output
    assert pids_of_session(night.pid) == []
    # stopped between tasks, Airflow ended at once: its run must not stay "running", where
    # max_active_runs=1 would keep the scheduler from the next night
    assert run_state(output) == ("failed", None)
