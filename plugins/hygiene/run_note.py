"""The DAG run's note: the night in one sentence (hygiene.summary) on the run's page in the
Airflow UI, the first place the data team looks (issue "Operations").

A task cannot write its run's note in Airflow 3: the Task SDK has no database, and the
maintainers point at the REST API for it (apache/airflow#28232), which would put credentials in
every task. A listener can: Airflow calls it in the process that ends the run. In the scheduler
the run is in the scheduler's session, which commits the note with the run's state (a session of
our own would wait for the scheduler's lock on the run); under `airflow dags test` (`make run`)
the run object comes detached, and the note is written in a session of its own. A note a person
wrote is never replaced.
"""

from __future__ import annotations

import logging

from airflow.listeners import hookimpl
from sqlalchemy.orm import object_session

from hygiene.settings import NIGHTLY_DAG_ID, Settings, run_date_of

log = logging.getLogger(__name__)

# How a note of ours begins (hygiene.summary): such a note is ours to replace on a rerun.
OUR_NOTES = ("Published ", "FAILED ")
# dag_run_note.content is VARCHAR(1000): a longer note would fail the commit of the run's state.
NOTE_LIMIT = 1000


@hookimpl
def on_dag_run_success(dag_run, msg: str) -> None:
    note_the_night(dag_run, succeeded=True)


@hookimpl
def on_dag_run_failed(dag_run, msg: str) -> None:
    note_the_night(dag_run, succeeded=False)


def note_the_night(dag_run, *, succeeded: bool) -> None:
    """Write the night's sentence into the nightly run's note; never fail the process that ends
    the run (a note is a convenience, the run's state is what counts)."""
    if dag_run.dag_id != NIGHTLY_DAG_ID:
        return
    try:
        if object_session(dag_run) is not None:
            _write_note(dag_run, succeeded=succeeded)
            return
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session
        from sqlalchemy import select

        with create_session() as session:
            run = session.scalar(select(DagRun).where(
                DagRun.dag_id == dag_run.dag_id, DagRun.run_id == dag_run.run_id))
            if run is not None:
                _write_note(run, succeeded=succeeded)
    except Exception:  # a note must never stop the scheduler
        log.exception("No note for %s", dag_run.run_id)


def fail_and_note_the_stopped_run(run_id: str) -> None:
    """A night `make run` stopped (hygiene.foreground), after G5's update: between two tasks
    `airflow dags test` ends at once and its run stays "running", where the DAG's
    `max_active_runs=1` would keep the scheduler (`make ui`, the same database) from starting
    the next night; so it is marked failed, with the tasks it had started, and noted with what
    was published (the listener, if Airflow called it, wrote what it knew before the update).
    One session; a database error (SQLite locked by `make ui`) is the caller's to say."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, State, TaskInstanceState
    from sqlalchemy import select, update

    started_not_ended = State.unfinished - {None}  # a task never started stays without a state
    with create_session() as session:
        run = session.scalar(select(DagRun).where(
            DagRun.dag_id == NIGHTLY_DAG_ID, DagRun.run_id == run_id))
        if run is None:
            return
        if run.state in (DagRunState.RUNNING, DagRunState.QUEUED):
            session.execute(
                update(TaskInstance)
                .where(TaskInstance.dag_id == NIGHTLY_DAG_ID, TaskInstance.run_id == run_id,
                       TaskInstance.state.in_(started_not_ended))
                .values(state=TaskInstanceState.FAILED)
            )
            run.set_state(DagRunState.FAILED)
        _write_note(run, succeeded=False)


def _write_note(run, *, succeeded: bool) -> None:
    note = note_for(run, succeeded=succeeded)
    if note is not None:
        run.note = note


def note_for(run, *, succeeded: bool) -> str | None:
    """The nightly run's new note; None to leave the note as it is: a person wrote it, or the
    night's journal tells nothing (the night ended before its first step)."""
    if run.note and not run.note.startswith(OUR_NOTES):
        return None
    # here, not at the top: the scheduler loads this module with the plugins at its start
    from hygiene.attempts import Attempt
    from hygiene.summary import night_summary

    run_date = (run.conf or {}).get("run_date") or run_date_of(run.logical_date or run.run_after)
    journal = Attempt(Settings.from_env(), run_date, run.run_id).read_journal()
    summary = night_summary(run_date, journal, succeeded=succeeded)
    if summary is None or len(summary) <= NOTE_LIMIT:
        return summary
    return summary[:NOTE_LIMIT - 1] + "…"
