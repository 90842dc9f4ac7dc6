"""`make run` in the foreground (hygiene.foreground): what the terminal shows of Airflow's output,
the closing line, and the task logs it leaves where the Airflow UI reads them."""

from __future__ import annotations

import os
import signal
import sys
from datetime import date

import pytest

from hygiene import degraded
from hygiene.assets import Announced
from hygiene.attempts import Attempt
from hygiene.errors import ExtractError, PublishError, SettingsError
from hygiene.foreground import RepeatedWaits, TaskLogs, closing_line, shown_line, stopped_line
from hygiene.generate import generate_landing
from hygiene.nightly import (
    NightFailed,
    night_result,
    publish_degraded,
    record_failure,
    verify_landing,
)
from hygiene.publish import read_manifest
from hygiene.settings import Settings
from hygiene.stopping import NightStopper, StoppedBySignal
from hygiene.summary import first_sentences
from night_steps import TEST_HASH_KEY
from published_run import D, write_run

RUN_ID = "manual__2026-12-01T22:00:24.845118+00:00"
OUTPUT = [
    f"2026-12-01T22:00:25Z [info     ] Created dag run <DagRun retention_nightly: {RUN_ID}> [airflow]\n",
    "2026-12-01T22:00:26Z [info     ] [DAG TEST] starting task_id=load_raw map_index=-1 [airflow.sdk] loc=dag.py:1501\n",
    "2026-12-01T22:00:27Z [info     ] load_raw: 2,407 rows from 4 extracts; state of none (first night): 0 remembered stops, 0 tombstones [hygiene.progress] loc=progress.py:70\n",
    "2026-12-01T22:00:27Z [warning  ] The `determine_kwargs` attribute is deprecated. [py.warnings] category=UserWarning\n",
    "2026-12-01T22:00:28Z [info     ] [DAG TEST] starting task_id=rules.dbt_producer_watcher map_index=-1 [airflow.sdk]\n",
    "21:56:27  Finished running 1 seed, 22 table models, 7 view models in 0 hours 0 minutes and 9.63 seconds (9.63s).\n",
    "2026-12-01T22:00:40Z [info     ] [DAG TEST] starting task_id=rules.int_known_addresses_run map_index=-1 [airflow.sdk]\n",
    "2026-12-01T22:00:41Z [warning  ] consent_proof/unproven_grant_share: observed 0.18 [hygiene.quality.runner] loc=runner.py:218\n",
]


def test_the_terminal_shows_steps_counts_dbt_and_our_warnings_only():
    shown = [line for line in map(shown_line, OUTPUT) if line]
    assert shown == [
        "  ▸ load_raw",
        "  ✓ load_raw: 2,407 rows from 4 extracts; state of none (first night): 0 remembered stops, 0 tombstones",
        "  ▸ rules: dbt build (each model a task)",
        "  ✓ rules: dbt built 1 seed, 22 table models, 7 view models in 9.6 s",
        "  ! consent_proof/unproven_grant_share: observed 0.18",
    ]


def test_each_tasks_output_becomes_its_log_where_the_ui_reads_it(tmp_path):
    logs = TaskLogs()
    for line in OUTPUT:
        logs.add(line)
    logs.write(tmp_path)
    run = tmp_path / "dag_id=retention_nightly" / f"run_id={RUN_ID}"
    assert sorted(p.parent.name for p in run.glob("task_id=*/attempt=1.log")) == [
        "task_id=load_raw", "task_id=rules.dbt_producer_watcher", "task_id=rules.int_known_addresses_run"]
    assert "2,407 rows" in (run / "task_id=load_raw" / "attempt=1.log").read_text()
    assert "Finished running" in (run / "task_id=rules.dbt_producer_watcher" / "attempt=1.log").read_text()


def test_the_closing_line_says_where_the_night_is_published(tmp_path):
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    folder = write_run(settings.output_root, held=True)
    Attempt(settings, D, RUN_ID).record(outcome="held", published=str(folder))
    line = closing_line(D, Attempt(settings, D, RUN_ID).read_journal(), 0, tmp_path / "run.log", 1.25)
    assert line.startswith(f"Published {D}: {folder} — 0 suppressed, 0 eligible, 0 deletion rows")
    assert "deletion list HELD for approval" in line and "(1.2 min; log:" in line


def test_the_closing_line_names_the_failed_task_and_what_was_published(tmp_path):
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    Attempt(settings, D, RUN_ID).record(
        failed_task="load_raw", outcome="degraded", published="/out/2026-11-28",
        failure="1 problem(s) in the extracts; fix it:\n- bookings.csv, row 5 (line 6), column "
                "booked_at: not an ISO 8601 timestamp (1 row(s) in all)")
    line = closing_line(D, Attempt(settings, D, RUN_ID).read_journal(), 1, tmp_path / "run.log", 0.5)
    assert line.startswith(
        f"FAILED {D} in task load_raw: 1 problem(s) in the extracts; fix it: bookings.csv, row 5 "
        "(line 6), column booked_at: not an ISO 8601 timestamp (1 row(s) in all). A degraded "
        f"{D} was published (G5): /out/2026-11-28.")


def test_the_closing_line_says_why_nothing_was_published_in_one_sentence(tmp_path, monkeypatch):
    """G5 refused over a complete run of D: the refusal ends with its own period, and the closing
    line and the task's error each say it once, as one sentence."""
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    attempt = Attempt(settings, D, RUN_ID)
    attempt.record(failed_task="load_raw", failure="HYGIENE_DUCKDB_MEMORY_LIMIT='lots'")
    refusal = (f"/out/{D} is already a complete run of {D}: the degraded update is not "
               "published over it (its lists hold the day's objections already).")

    def refuse(attempt, failure):
        raise PublishError(refusal)

    monkeypatch.setattr(degraded, "publish_degraded", refuse)
    assert publish_degraded(attempt) is None
    line = closing_line(D, attempt.read_journal(), 1, tmp_path / "run.log", 0.3)
    assert f"Nothing was published: {refusal} (0.3 min" in line
    with pytest.raises(NightFailed, match=r"failed in task load_raw; .*objections already\)\.$"):
        night_result(attempt)


def test_a_bad_setting_is_recorded_as_the_cause_whatever_task_read_it(tmp_path):
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    setting, extract = Attempt(settings, D, RUN_ID), Attempt(settings, D, RUN_ID + "-2")
    record_failure(setting, "load_raw", SettingsError("HYGIENE_DUCKDB_MEMORY_LIMIT='lots'"))
    record_failure(extract, "load_raw", ExtractError("bookings.csv, row 5: not a date"))
    assert setting.read_journal()["failure_cause"] == "setting"
    assert extract.read_journal()["failure_cause"] is None


def test_a_task_interrupted_by_a_stop_is_recorded_as_stopped_not_as_an_error(tmp_path):
    """`make run`'s stop reaches the running task as Ctrl+C would: the report then says the night
    was stopped, not that the extracts or the rules failed."""
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    attempt = Attempt(settings, D, RUN_ID)
    record_failure(attempt, "rules.dbt_producer_watcher", KeyboardInterrupt())
    journal = attempt.read_journal()
    assert journal["failure_cause"] == "stopped"
    assert journal["failure"] == "the night was interrupted (a stop of make run, or Ctrl+C)"


def test_a_long_error_becomes_one_line_with_its_first_item():
    assert first_sentences("2 problems:\n- a is wrong\n- b is wrong\n") == (
        "2 problems: a is wrong (and 1 more).")


def test_a_wait_costs_the_log_one_line_and_a_count_not_a_line_a_second():
    waiting = "2026-12-01T22:00:3{}Z [warning  ] No tasks to run. unrunnable tasks: {{...}} [airflow]\n"
    night = [OUTPUT[1], *(waiting.format(second) for second in range(5)), OUTPUT[2]]
    waits = RepeatedWaits()
    logged = [kept for line in [*night, ""] for kept in waits.lines_to_keep(line)]
    assert logged == [OUTPUT[1], waiting.format(0),
                      "(and 4 more such lines, one a second while it waited)\n", OUTPUT[2]]


def stopped_in(step: str) -> StoppedBySignal:
    return StoppedBySignal(signal.SIGTERM, step)


def test_g5_a_stopped_night_publishes_its_objections_as_a_failed_night_does(
        tmp_path, monkeypatch, capsys):
    """Airflow, stopped, ended before its publish_degraded: `make run` takes the attempt over and
    publishes the degraded D in a process of its own (hygiene.stopped_night, decision 77); its
    closing line says so."""
    from hygiene import foreground, run_note

    for variable, folder in (("HYGIENE_LANDING_DIR", "landing"), ("HYGIENE_OUTPUT_DIR", "out"),
                             ("HYGIENE_WAREHOUSE_DIR", "warehouse")):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    monkeypatch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
    # a metadata database without tables: Airflow cannot be told, and no event of this test
    # lands in the checkout's database (the announcement itself: the next test, test_stop)
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setattr(run_note, "fail_and_note_the_stopped_run", lambda run_id: None)
    settings = Settings.from_env()
    generate_landing(settings.landing(D), date.fromisoformat(D), contacts=60)
    attempt = Attempt(settings, D, RUN_ID)
    verify_landing(attempt)
    assert attempt.is_unfinished
    with NightStopper(lambda: None) as stopper:
        foreground._after_the_stop(stopper, attempt, stopped_in("check_raw"), tmp_path / "run.log")
    shown = capsys.readouterr().out
    assert "  ▸ publish_degraded: the night's objections (G5)" in shown
    manifest = read_manifest(settings.output_root / D)
    assert manifest["status"] == "degraded"
    assert (manifest["degraded"]["failed_task"], manifest["degraded"]["cause"],
            manifest["degraded"]["reason"]) == ("check_raw", "stopped",
                                                "make run was stopped by SIGTERM")
    journal = attempt.read_journal()
    assert journal["pid"] == os.getpid() and not attempt.is_unfinished
    assert "  ! publish_degraded: published, but Airflow was not told: trigger deliver_exports" in shown
    assert "could not be announced to Airflow (OperationalError)" in (tmp_path / "run.log").read_text()
    assert f"After the stop, by make run: A degraded {D} was published" in (
        tmp_path / "run.log").read_text()
    line = stopped_line(D, journal, stopped_in("check_raw"), tmp_path / "run.log", 0.4)
    assert line == (f"STOPPED {D} by SIGTERM in check_raw (0.4 min; log: {tmp_path / 'run.log'}). "
                    f"A degraded {D} was published (G5): {settings.output_root / D}. Run it again "
                    f"with `make run DATE={D}`.")


@pytest.mark.parametrize("told", [True, False])
def test_g5_the_update_after_a_stop_announces_the_nights_assets_as_airflow_does(
        tmp_path, monkeypatch, told):
    """So that deliver_exports hands the stopped night's objections on to the mail tools: the
    suppression list first (its delivery follows it), then the report; an Asset Airflow was not
    told of is an exit of its own, for `make run` to say."""
    from hygiene import stopped_night

    monkeypatch.setenv("HYGIENE_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("HYGIENE_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("HYGIENE_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
    announced = []

    def announce(asset, extra):
        announced.append((asset, extra))
        return Announced(told, "said")

    monkeypatch.setattr(stopped_night, "announce", announce)
    settings = Settings.from_env()
    generate_landing(settings.landing(D), date.fromisoformat(D), contacts=60)
    verify_landing(Attempt(settings, D, RUN_ID))
    assert stopped_night.main([D, RUN_ID, "check_raw", "SIGTERM"]) == (
        stopped_night.PUBLISHED if told else stopped_night.PUBLISHED_NOT_ANNOUNCED)
    assert [asset for asset, _ in announced] == ["hygiene_suppression_list",
                                                 "hygiene_privacy_report"]
    assert {(extra["status"], extra["path"]) for _, extra in announced} == {
        ("degraded", str(settings.output_root / D))}


def test_the_stopped_line_says_what_the_night_published_before_the_stop(tmp_path):
    """Stopped before the extracts were there: no journal, nothing to update (make run leaves
    it); stopped after the publish: the night itself."""
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    attempt = Attempt(settings, D, RUN_ID)
    assert not attempt.is_unfinished
    line = stopped_line(D, attempt.read_journal(), stopped_in("wait_for_extracts"), tmp_path / "run.log", 1.0)
    assert "by SIGTERM in wait_for_extracts (1.0 min; " in line
    assert "). Nothing was published: the previous lists stay. Run it again" in line
    attempt.record(outcome="published", published="/out/2026-11-28")
    line = stopped_line(D, attempt.read_journal(), stopped_in("announce_deletion_list"),
                        tmp_path / "run.log", 1.0)
    assert f"). {D} itself was published before that: /out/2026-11-28. Run it again" in line


def test_a_second_signal_kills_the_degraded_update_of_a_stopped_night():
    """The update runs as the night did (hygiene.stopped_night), and a signal after the first
    kills it as it would kill the night; meanwhile, with nothing running, a signal neither raises
    nor signals the night's ended group (its number may be reused)."""
    waits = [sys.executable, "-c", ("from hygiene.stopping import release_stopping_signals; "
                                    "release_stopping_signals(); import time; time.sleep(60)")]
    with NightStopper(lambda: "check_raw") as stopper:
        night = stopper.start(waits)
        # the first, maybe before the night has taken the signals back: held, not lost
        os.kill(os.getpid(), signal.SIGTERM)
        assert night.wait(timeout=20) == -signal.SIGINT
        stopper.ended()
        os.kill(os.getpid(), signal.SIGHUP)  # between the two: it neither raises nor kills
        update = stopper.start(waits)
        assert update.poll() is None
        os.kill(os.getpid(), signal.SIGHUP)
        assert update.wait(timeout=20) == -signal.SIGKILL
        stopper.ended()
    assert str(stopper.stopped) == "SIGTERM" and stopper.stopped.step == "check_raw"


def test_a_stop_whose_run_cannot_be_marked_failed_still_says_so_and_ends(tmp_path, monkeypatch,
                                                                        capsys):
    """`make ui` holding the SQLite database: marking the run failed fails, and `make run` says
    what to do instead of ending in a traceback (its STOPPED line follows)."""
    from sqlalchemy.exc import OperationalError

    from hygiene import foreground, run_note

    def locked(run_id):
        raise OperationalError("UPDATE dag_run", {}, Exception("database is locked"))

    monkeypatch.setattr(run_note, "fail_and_note_the_stopped_run", locked)
    settings = Settings(tmp_path / "landing", tmp_path / "out", tmp_path / "warehouse")
    foreground._after_the_stop(NightStopper(lambda: None), Attempt(settings, D, RUN_ID),
                               stopped_in("check_raw"), tmp_path / "run.log")
    assert ("  ! the run could not be marked failed in Airflow (OperationalError: "
            in capsys.readouterr().out)
