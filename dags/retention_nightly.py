"""
### retention_nightly: who may be mailed, and what must be deleted, as of D

Every night at 03:00 Europe/Amsterdam this DAG reads the CRM and booking extracts of D
(`$HYGIENE_LANDING_DIR/<D>/`), applies the rules of RULES.md (Telecommunicatiewet art. 11.7,
AVG/GDPR) in dbt, checks the data with Great Expectations, and publishes the suppression list,
the marketing eligibility list, the deletion list and the privacy officer's report to
`$HYGIENE_OUTPUT_DIR/<D>/` (then `latest`).

D is the run's logical date in Europe/Amsterdam, or the `run_date` param of a manual run;
nothing reads the clock, so a rerun of D gives byte-identical lists.

**When a run fails nothing is published**: the previous lists stay in place (G1). Read the
failed task's log: its docstring below says what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode

from hygiene.settings import NIGHTLY_DBT_EXCLUDE, Settings

DAG_ID = "retention_nightly"
DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
RUN_DATE = "{{ ti.xcom_pull(task_ids='resolve_run_date') }}"

SUPPRESSION_LIST = Asset(name="hygiene_suppression_list")
DELETION_LIST = Asset(name="hygiene_deletion_list")
PRIVACY_REPORT = Asset(name="hygiene_privacy_report")

# How each model's task waits for the one `dbt build` (README, "Execution mode").
SENSOR_MODE_VARIABLE = "HYGIENE_DBT_SENSOR_MODE"
SENSOR_MODES = {
    # In the scheduler: deferred to the triggerer, as Cosmos intends. Reschedule mode fails
    # there now and then, when a poke's result reaches the scheduler after the next poke was
    # queued (apache/airflow#71172, seen here with the LocalExecutor).
    "deferrable": {"deferrable": True},
    # Under `airflow dags test` (`make run`, the tests), which runs one task at a time: a
    # deferred sensor would wait there forever for a producer that never gets its turn.
    "reschedule": {"deferrable": False, "mode": "reschedule", "poke_interval": 5},
}


def watcher_sensor_args() -> dict:
    mode = os.environ.get(SENSOR_MODE_VARIABLE) or "deferrable"
    if mode not in SENSOR_MODES:
        raise ValueError(
            f"{SENSOR_MODE_VARIABLE}={mode!r}: expected one of {', '.join(SENSOR_MODES)}"
        )
    return SENSOR_MODES[mode]


PROFILE = ProfileConfig(
    profile_name="hygiene",
    target_name="warehouse",
    profiles_yml_filepath=DBT_PROJECT / "profiles.yml",
)


@dag(
    dag_id=DAG_ID,
    schedule="0 3 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    params={
        "run_date": Param(
            None,
            type=["null", "string"],
            format="date",
            description="D (YYYY-MM-DD); empty means the run's logical date in Amsterdam.",
        )
    },
    default_args={"retries": 0},
    tags=["privacy", "marketing", "retention"],
)
def retention_nightly():
    @task
    def resolve_run_date() -> str:
        """D for every later task: the `run_date` param, else the logical date in Amsterdam."""
        from hygiene.nightly import run_date_of

        context = get_current_context()
        chosen = context["params"].get("run_date")
        dag_run = context["dag_run"]
        return chosen or run_date_of(dag_run.logical_date or dag_run.run_after)

    @task.sensor(poke_interval=300, timeout=6 * 3600, mode="reschedule")
    def wait_for_extracts(run_date: str) -> bool:
        """Waits for `_READY` in D's landing folder, written last by the source systems.

        Times out after 6 hours: then the exports did not arrive. Ask the CRM/booking teams;
        yesterday's lists stay published meanwhile.
        """
        from hygiene.landing import is_ready

        return is_ready(Settings.from_env().landing(run_date))

    @task
    def verify_landing(run_date: str) -> dict:
        """Checksums every extract against `extract_manifest.json` (G4).

        Fails on a missing required extract or a checksum mismatch: the export was truncated
        or replaced. Ask for a new export, then clear this task.
        """
        from hygiene.nightly import verify_landing as verify

        return verify(run_date, Settings.from_env())

    @task
    def load_raw(run_date: str) -> dict:
        """Loads the extracts into DuckDB with the types of CONTRACT.md, plus yesterday's state.

        Fails with one message naming file, row and column for each problem (G1). Fix the
        export (or have it fixed), then clear this task.
        """
        from hygiene.nightly import load_raw as load

        return load(run_date, Settings.from_env())

    @task
    def check_raw(run_date: str, landed: dict, loaded: dict) -> dict:
        """Great Expectations suite `raw_extracts`: keys, accepted values, row counts (G1).

        Fails when a critical expectation fails; the message lists them with counts. A row
        count far from yesterday's is usually a broken export: check it before overriding.
        """
        from hygiene.nightly import check_raw as check

        return check(run_date, Settings.from_env(), landed, loaded)

    rules = DbtTaskGroup(
        group_id="rules",
        # dbt
        project_config=ProjectConfig(DBT_PROJECT),
        profile_config=PROFILE,
        operator_args={
            "vars": {"run_date": RUN_DATE},
            "install_deps": False,  # no dbt packages: the hub is out of reach, macros are ours
            **watcher_sensor_args(),
        },
        render_config=RenderConfig(
            load_method=LoadMode.DBT_LS,
            exclude=NIGHTLY_DBT_EXCLUDE,
            # Other DAGs depend on the published files (the Assets below), never on the tables
            # of the disposable warehouse.
            emit_datasets=False,
        ),
        # DuckDB allows one writing process: one `dbt build` (the producer), while each model
        # and its tests still show as their own task in the UI (README, "Execution mode").
        # dbt runs as a subprocess: in-process, its DuckDB connection outlives the task under
        # `airflow dags test` and blocks the read-only connections of the checks after it.
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER, invocation_mode=InvocationMode.SUBPROCESS
        ),
        # airflow
        default_args={"retries": 0},
    )

    @task
    def check_marts(run_date: str) -> dict:
        """Great Expectations suites `consent_proof` (M4) and `marts` (lists consistent).

        Fails when a decision rests on a grant without proof, or the lists contradict each
        other. Nothing is published; the previous lists stay. Report it to the data team lead.
        """
        from hygiene.nightly import check_marts as check

        return check(run_date, Settings.from_env())

    @task
    def guard_deletions(run_date: str) -> dict:
        """G2: holds a deletion list that is too large for a person's approval.

        Never fails on a large list: the hold is recorded and everything else is published.
        Approve with `python -m hygiene approve-deletions --date D` after review.
        """
        from hygiene.nightly import guard_deletions as guard
        from hygiene.policy import load_policy
        from hygiene.settings import POLICY_SEED

        policy = load_policy(POLICY_SEED)
        return guard(run_date, Settings.from_env(), policy.deletion_hold_share)

    @task
    def write_outputs(run_date: str, hold: dict, loaded: dict) -> dict:
        """Writes the lists into `<D>.tmp` beside the published runs (not visible yet)."""
        from hygiene.nightly import write_outputs as write

        return write(run_date, Settings.from_env(), hold, loaded["previous_run"])

    @task
    def write_report(run_date: str, checks_raw: dict, checks_marts: dict, hold: dict) -> str:
        """Writes the privacy officer's report into `<D>.tmp`."""
        from hygiene.nightly import write_report as write

        return write(run_date, Settings.from_env(), {**checks_raw, **checks_marts}, hold)

    @task(outlets=[SUPPRESSION_LIST, DELETION_LIST, PRIVACY_REPORT])
    def publish(
        run_date: str, landed: dict, loaded: dict, checks_raw: dict, checks_marts: dict,
        hold: dict, outputs: dict, report: str,
    ) -> str:
        """Writes `run_manifest.json` last, renames `<D>.tmp` to `<D>`, points `latest` at it.

        If it fails, the previous `latest` is untouched; clear the task to retry.
        """
        from hygiene.nightly import publish_run, run_manifest

        manifest = run_manifest(landed, loaded, {**checks_raw, **checks_marts}, hold, outputs)
        return publish_run(run_date, Settings.from_env(), manifest)

    run_date = resolve_run_date()
    ready = wait_for_extracts(run_date)
    landed = verify_landing(run_date)
    loaded = load_raw(run_date)
    checks_raw = check_raw(run_date, landed, loaded)
    checks_marts = check_marts(run_date)
    hold = guard_deletions(run_date)
    outputs = write_outputs(run_date, hold, loaded)
    report = write_report(run_date, checks_raw, checks_marts, hold)

    ready >> landed >> loaded
    checks_raw >> rules >> checks_marts >> hold
    outputs >> report
    publish(run_date, landed, loaded, checks_raw, checks_marts, hold, outputs, report)


retention_nightly()
