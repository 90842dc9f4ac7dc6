"""The nightly run's note (hygiene.run_note, an Airflow listener): the same sentence as `make
run`'s last line, written when the run ends; a person's note is kept, other DAGs are left alone.
The DAG runs of test_nightly_run and test_standalone show it in Airflow's own database."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from hygiene.attempts import Attempt
from hygiene.run_note import NOTE_LIMIT, note_for, note_the_night
from hygiene.settings import Settings
from published_run import D, write_run

RUN_ID = f"scheduled__{D}T02:00:00+00:00"


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    for variable, path in (("HYGIENE_LANDING_DIR", settings.landing_root),
                           ("HYGIENE_OUTPUT_DIR", settings.output_root),
                           ("HYGIENE_WAREHOUSE_DIR", settings.warehouse_dir)):
        monkeypatch.setenv(variable, str(path))
    return settings


def nightly_run(note: str | None = None, dag_id: str = "retention_nightly", **conf):
    # 03:00 in Amsterdam on D: the scheduled run of D
    return SimpleNamespace(dag_id=dag_id, run_id=RUN_ID, note=note, conf=conf,
                           logical_date=datetime.fromisoformat(D).replace(hour=2, tzinfo=UTC),
                           run_after=None)


def test_a_published_night_notes_where_and_its_counts(settings):
    folder = write_run(settings.output_root, held=True, report=False)
    Attempt(settings, D, RUN_ID).record(outcome="held", published=str(folder))
    note = note_for(nightly_run(), succeeded=True)
    assert note.startswith(f"Published {D}: {folder} — 0 suppressed, 0 eligible, 0 deletion rows")
    assert "deletion list HELD for approval, G2: `" in note
    assert " where` shows it and how to approve it)" in note  # the command that says what next


def test_a_failed_night_notes_the_task_why_and_what_was_published(settings):
    Attempt(settings, D, RUN_ID).record(
        failed_task="load_raw", outcome="degraded", published=f"/out/{D}",
        failure="1 problem(s) in the extracts; fix it:\n- bookings.csv, row 5 (line 6), column "
                "booked_at: not an ISO 8601 timestamp (1 row(s) in all)" + " x" * NOTE_LIMIT)
    # a rerun replaces our own note
    note = note_for(nightly_run("Published yesterday's note of ours"), succeeded=False)
    assert note.startswith(f"FAILED {D} in task load_raw: 1 problem(s) in the extracts; fix it: "
                           "bookings.csv, row 5 (line 6), column booked_at")
    assert len(note) == NOTE_LIMIT and note.endswith("…")  # the column's width


def test_the_run_date_param_names_the_night_of_a_manual_run(settings):
    Attempt(settings, "2026-11-20", RUN_ID).record(failed_task="verify_landing", failure="gone")
    note = note_for(nightly_run(run_date="2026-11-20"), succeeded=False)
    assert note.startswith("FAILED 2026-11-20 in task verify_landing: gone.")


def test_a_persons_note_and_other_dags_are_left_alone(settings, monkeypatch):
    Attempt(settings, D, RUN_ID).record(failed_task="load_raw", failure="broken")
    assert note_for(nightly_run("Export hersteld, zie ticket 123"), succeeded=False) is None
    looked_up = []
    monkeypatch.setattr("hygiene.run_note._write_note", lambda run, **_: looked_up.append(run))
    note_the_night(nightly_run(dag_id="approve_deletions"), succeeded=False)
    assert looked_up == []  # another DAG's run is never looked up, let alone noted
    nightly = nightly_run()
    monkeypatch.setattr("hygiene.run_note.object_session", lambda run: object())
    note_the_night(nightly, succeeded=False)  # the same call does note the nightly run
    assert looked_up == [nightly]


def test_without_a_journal_there_is_no_note_and_no_error(settings):
    assert note_for(nightly_run(), succeeded=False) is None
