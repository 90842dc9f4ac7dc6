"""`make run` stopped by a service manager, cron's timeout or Ctrl+C: its whole night stops, and
what was published stays whole (docs/decisions.md, 40 and 77)."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from airflow_runner import PROJECT_ROOT, Folders, airflow_env, ensure_metadata_db
from hygiene.generate import generate_landing

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

D = "2026-11-28"


def processes_of_session(session: int) -> list[str]:
    """The command lines of the processes still alive in `session` (the night's own)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the command's name is in parentheses and may hold spaces: fields after the last ")"
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError):
            continue  # it ended while we looked
    return alive


def stop_the_night_at(folders: Folders, shown_line: str) -> tuple[subprocess.Popen, str]:
    """`hygiene run` for D, sent SIGTERM once it has shown a line holding `shown_line`; returns
    the ended process and all it showed."""
    ensure_metadata_db()
    night = subprocess.Popen(
        [sys.executable, "-m", "hygiene", "run", "--date", D], cwd=PROJECT_ROOT,
        env=airflow_env(folders), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its session holds every process of the night
    )
    shown = []
    for line in night.stdout:
        shown.append(line)
        if shown_line in line:
            night.send_signal(signal.SIGTERM)
            break
    try:
        rest, _ = night.communicate(timeout=120)
    finally:
        night.kill()
    return night, "".join(shown) + rest


def test_a_stopped_make_run_stops_its_whole_night(tmp_path):
    """SIGTERM to `hygiene run` while dbt builds: Airflow and dbt end too (`airflow dags test`
    alone would go on with the next task), it exits 143, and no half night is published."""
    folders = Folders(tmp_path / "landing", tmp_path / "output", tmp_path / "warehouse")
    generate_landing(folders.landing_root / D, date.fromisoformat(D), contacts=400)
    night, output = stop_the_night_at(folders, "▸ rules: dbt build")
    assert night.returncode == 128 + signal.SIGTERM, output
    assert "■ SIGTERM: stopping the night" in output
    assert f"STOPPED {D} by SIGTERM in rules.dbt_producer_watcher (" in output
    assert f"Run it again with `make run DATE={D}`." in output
    assert processes_of_session(night.pid) == []
    # a stop is a failed night: at most G5's degraded update is published, never a half night
    published = folders.output_root / D
    if published.exists():
        assert '"status": "degraded"' in (published / "run_manifest.json").read_text()
    assert not list((folders.output_root / ".staging").glob(f"{D}*/run_manifest.json"))


def test_a_night_without_its_extracts_says_what_it_waits_for(tmp_path):
    """No `_READY` (a wrong DATE, or the exports are late): `make run` says what it waits for,
    how often it looks and how long, instead of a silent wait of hours; a stop ends it."""
    folders = Folders(tmp_path / "landing", tmp_path / "output", tmp_path / "warehouse")
    night, output = stop_the_night_at(folders, "! wait_for_extracts")
    assert (f"  ! wait_for_extracts: no _READY in {folders.landing_root / D} yet (the source "
            "systems write it last, once every extract is there); looking again every 5 "
            "minutes, for at most 4 hours\n") in output
    assert night.returncode == 128 + signal.SIGTERM, output
    assert processes_of_session(night.pid) == []
