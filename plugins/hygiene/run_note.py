"""The DAG run's note: the night in one sentence (hygiene.summary) on the run's page in the
Airflow UI, the first place the data team looks (issue "Operations").

A task cannot write its run's note in Airflow 3: the Task SDK has no database, and the
maintainers point at the REST API for it (apache/airflow#28232), which would put credentials in
every task. A listener can: Airflow calls it in the process that ends the run (the scheduler, or
`airflow dags test` under `make run`) with the run in that process's session, which commits the
note with the run's state. A note a person wrote is never replaced.
"""

from __future__ import annotations

import logging

from airflow.listeners import hookimpl

from hygiene.attempts import Attempt
from hygiene.settings import Settings
from hygiene.summary import night_summary

log = logging.getLogger(__name__)

DAG_ID = "retention_nightly"
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
    try:
        if dag_run.dag_id != DAG_ID or (dag_run.note and not dag_run.note.startswith(OUR_NOTES)):
            return
        from hygiene.nightly import run_date_of  # here: the scheduler loads plugins at its start

        run_date = (dag_run.conf or {}).get("run_date") or run_date_of(
            dag_run.logical_date or dag_run.run_after)
        journal = Attempt(Settings.from_env(), run_date, dag_run.run_id).read_journal()
        summary = night_summary(run_date, journal, succeeded=succeeded)
        if summary:
            dag_run.note = summary if len(summary) <= NOTE_LIMIT else summary[:NOTE_LIMIT - 1] + "…"
    except Exception:  # a note must never stop the scheduler
        log.exception("No note for %s: the night's journal could not be read", dag_run.run_id)
