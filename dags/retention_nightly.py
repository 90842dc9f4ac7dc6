"""
### retention_nightly: who may be mailed, and what must be deleted, as of D

Every night at 03:00 Europe/Amsterdam this DAG reads the CRM and booking extracts of D
(`$HYGIENE_LANDING_DIR/<D>/`), applies the rules of RULES.md (Telecommunicatiewet art. 11.7,
AVG/GDPR) in dbt, checks the data with Great Expectations, and publishes the suppression list,
the marketing eligibility list, the deletion list and the privacy officer's report to
`$HYGIENE_OUTPUT_DIR/<D>/` (then `latest`).

D is the run's logical date in Europe/Amsterdam, or the `run_date` param of a manual run;
nothing reads the clock, so a rerun of D gives byte-identical lists.

**When a run fails** once the extracts are there, `publish_degraded` still publishes a degraded
D (G5): the previous suppression list plus every objection it can read from D's extracts, no
deletion list, `"status": "degraded"` in the manifest. The run still fails: read the failed
task's log (its docstring below says what to do), repair, and rerun D; the good run replaces
the degraded one.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import (
    Asset,
    BaseSensorOperator,
    Param,
    TriggerRule,
    dag,
    get_current_context,
    task,
)
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from hygiene import assets
from hygiene.alerts import FAILED, HELD, LATE, alerts
from hygiene.dbt_docs import model_descriptions
from hygiene.model_task_result import read_the_builds_result
from hygiene.progress import said
from hygiene.settings import NIGHTLY_DAG_ID, NIGHTLY_DBT_ENV, NIGHTLY_DBT_EXCLUDE, Settings

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
RUN_DATE = "{{ ti.xcom_pull(task_ids='resolve_run_date') }}"
# Each attempt has a warehouse file of its own (hygiene.attempts): load_raw names it.
WAREHOUSE = "{{ ti.xcom_pull(task_ids='load_raw')['warehouse'] }}"

DELETION_LIST = Asset(name=assets.DELETION_LIST)
HELD_DELETION_LIST = Asset(name=assets.HELD_DELETION_LIST)
PUBLISHED_NIGHT = [Asset(name=name) for name in assets.PUBLISHED_NIGHT]
# The night starts at 03:00 in Amsterdam; extracts not there by 07:00 are late (an alert).
EXTRACTS_WAIT = timedelta(hours=4)
EXTRACTS_LOOK_EVERY = timedelta(minutes=5)

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


# The scheduler now and then fails a model's sensor whose result it sees before its own
# bookkeeping ("finished with state success, but the task instance's state attribute is queued",
# apache/airflow#71172; seen here with deferred sensors too): a model's task only reads the
# producer's result (hygiene.model_task_result), so there it may be tried again. `airflow dags
# test` has no such race, and a retry would only delay a failed night. The producer, which does
# the work, is never retried.
SENSOR_RETRIES = {"deferrable": 2, "reschedule": 0}
SENSOR_RETRY_DELAY = timedelta(seconds=5)
DBT_PRODUCER = "rules.dbt_producer_watcher"


def sensor_mode() -> str:
    mode = os.environ.get(SENSOR_MODE_VARIABLE) or "deferrable"
    if mode not in SENSOR_MODES:
        raise ValueError(
            f"{SENSOR_MODE_VARIABLE}={mode!r}: expected one of {', '.join(SENSOR_MODES)}"
        )
    return mode


def watcher_sensor_args() -> dict:
    return SENSOR_MODES[sensor_mode()]


def attempt_of(run_date: str, run_id: str | None = None):
    """This run's attempt at D: its own staging folder and warehouse (hygiene.attempts)."""
    from hygiene.attempts import Attempt

    return Attempt(Settings.from_env(), run_date, run_id or get_current_context()["run_id"])


def record_failure(context) -> None:
    """Every task's failure callback: the journal of the attempt says which task failed and why,
    for publish_degraded and for `make run`'s last line."""
    from hygiene.nightly import record_failure as record

    run_date = context["ti"].xcom_pull(task_ids="resolve_run_date")
    if run_date:
        attempt = attempt_of(run_date, context["run_id"])
        record(attempt, context["ti"].task_id, context.get("exception"))


PROFILE = ProfileConfig(
    profile_name="hygiene",
    target_name="warehouse",
    profiles_yml_filepath=DBT_PROJECT / "profiles.yml",
)


@dag(
    dag_id=NIGHTLY_DAG_ID,
    schedule="0 3 * * *",
    # Any night may be run again by hand (`make run DATE=...`, a backfill): Airflow creates no
    # task for a date before the start date, so it lies far back; catchup=False keeps the
    # scheduler to the latest night.
    start_date=pendulum.datetime(2000, 1, 1, tz="Europe/Amsterdam"),
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
    default_args={"retries": 0, "on_failure_callback": record_failure},
    tags=["privacy", "marketing", "retention"],
)
def retention_nightly():
    @task
    def resolve_run_date() -> str:
        """D for every later task: the `run_date` param, else the logical date in Amsterdam."""
        from hygiene.settings import run_date_of

        context = get_current_context()
        chosen = context["params"].get("run_date")
        dag_run = context["dag_run"]
        return chosen or run_date_of(dag_run.logical_date or dag_run.run_after)

    @task.sensor(
        poke_interval=EXTRACTS_LOOK_EVERY.total_seconds(), timeout=EXTRACTS_WAIT.total_seconds(),
        mode="reschedule",
        on_failure_callback=[record_failure, *alerts(LATE)],
    )
    def wait_for_extracts(run_date: str) -> bool:
        """Waits for `_READY` in D's landing folder, written last by the source systems.

        Gives up at 07:00 (Amsterdam) and alerts: the exports did not arrive. Ask the CRM and
        booking teams; yesterday's lists stay published meanwhile. Rerun D when they are there.
        """
        from hygiene.landing import is_ready_or_say_so

        return is_ready_or_say_so(
            Settings.from_env().landing(run_date), EXTRACTS_LOOK_EVERY, EXTRACTS_WAIT
        )

    @task
    def verify_landing(run_date: str) -> dict:
        """Checksums every extract against `extract_manifest.json` (G4).

        Fails on a missing required extract or a checksum mismatch: the export was truncated
        or replaced. Ask for a new export, then clear this task.
        """
        from hygiene.nightly import verify_landing as verify

        return said("verify_landing", verify(attempt_of(run_date)))

    @task
    def load_raw(run_date: str) -> dict:
        """Loads the extracts into DuckDB with the types of CONTRACT.md, plus the state after the
        previous published run (M8, M10, G3).

        Fails with one message naming file, row and column for each problem (G1). Fix the
        export (or have it fixed), then rerun D.
        """
        from hygiene.nightly import load_raw as load

        return said("load_raw", load(attempt_of(run_date)))

    @task
    def check_raw(run_date: str, landed: dict, loaded: dict) -> dict:
        """Great Expectations suite `raw_extracts`: keys, accepted values, row counts (G1).

        Fails when a critical expectation fails; the message lists them with counts. A row
        count far from yesterday's is usually a broken export: check it before overriding.
        """
        from hygiene.nightly import check_raw as check

        return said("check_raw", check(attempt_of(run_date), landed, loaded))

    rules = DbtTaskGroup(
        group_id="rules",
        # dbt
        project_config=ProjectConfig(
            DBT_PROJECT,
            # the attempt's own warehouse file (templated at run time; `dbt ls` at parse time
            # only reads the project and never opens it)
            env_vars={"HYGIENE_WAREHOUSE": WAREHOUSE},
            install_dbt_deps=False,  # no dbt packages: the hub is out of reach, macros are ours
        ),
        profile_config=PROFILE,
        # D, at run time only (`dbt ls` would render the template)
        operator_args={"vars": {"run_date": RUN_DATE}, **watcher_sensor_args()},
        render_config=RenderConfig(
            load_method=LoadMode.DBT_LS,
            # exposures document the consumers (models/exposures.yml); they are not tasks
            exclude=[*NIGHTLY_DBT_EXCLUDE, "resource_type:exposure"],
            # the night runs no dbt data tests (NIGHTLY_DBT_EXCLUDE): a task per model, no test tasks
            test_behavior=TestBehavior.NONE,
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

    # Each model's task shows what the model decides (its dbt description).
    descriptions = model_descriptions(DBT_PROJECT)
    retries = SENSOR_RETRIES[sensor_mode()]
    for task_id, model_task in rules.children.items():
        model = task_id.removeprefix("rules.").removesuffix("_run").removesuffix(".run")
        if model in descriptions:
            model_task.doc_md = descriptions[model]
        if task_id == DBT_PRODUCER:
            # dbt's working tables in its memory: the one build only (NIGHTLY_DBT_ENV)
            model_task.env = {**model_task.env, **NIGHTLY_DBT_ENV}
        else:  # SENSOR_RETRIES
            model_task.retries = retries
            model_task.retry_delay = SENSOR_RETRY_DELAY
            if isinstance(model_task, BaseSensorOperator):  # not the producer's `_done` marker
                read_the_builds_result(model_task)

    @task
    def check_marts(run_date: str) -> dict:
        """Great Expectations suites `consent_proof` (M4) and `marts` (lists consistent).

        Fails when a decision rests on a grant without proof, or the lists contradict each
        other. Only the degraded update is published (G5). Report it to the data team lead.
        """
        from hygiene.nightly import check_marts as check

        return said("check_marts", check(attempt_of(run_date)))

    @task
    def guard_deletions(run_date: str) -> dict:
        """G2: holds a deletion list that is too large for a person's approval.

        Never fails on a large list: the hold is recorded and everything else is published.
        Approve with `hygiene approve-deletions --date D --by NAME` after review.
        """
        from hygiene.nightly import guard_deletions as guard

        return said("guard_deletions", guard(attempt_of(run_date)))

    @task
    def write_outputs(run_date: str, hold: dict, loaded: dict) -> dict:
        """Writes the lists, the mail-tool exports, the review files and the state after D into
        the attempt's staging folder (not visible yet)."""
        from hygiene.nightly import write_outputs as write

        return said("write_outputs", write(attempt_of(run_date), hold, loaded))

    @task
    def write_report(
        run_date: str, landed: dict, checks_raw: dict, checks_marts: dict, hold: dict,
        loaded: dict,
    ) -> str:
        """Writes the privacy officer's report (HTML and PDF) and a page per data-quality suite
        into the attempt's staging folder."""
        from hygiene.nightly import write_report as write

        report = write(
            attempt_of(run_date), landed, {**checks_raw, **checks_marts}, hold, loaded
        )
        return said("write_report", report)

    @task(outlets=PUBLISHED_NIGHT)
    def publish(
        run_date: str, landed: dict, loaded: dict, checks_raw: dict, checks_marts: dict,
        hold: dict, outputs: dict, report: str, *, outlet_events,
    ) -> dict:
        """Writes `run_manifest.json` last, swaps D's run and state into place, points `latest`
        at it, and prunes what old runs need not keep any longer (G6).

        If it fails, the previous `latest` is untouched; rerun D.
        """
        from hygiene.nightly import publish_run, run_manifest

        manifest = run_manifest(landed, loaded, {**checks_raw, **checks_marts}, hold, outputs)
        published = said("publish", publish_run(attempt_of(run_date), manifest))
        for asset in PUBLISHED_NIGHT:
            outlet_events[asset].extra = published
        return published

    @task(outlets=[DELETION_LIST])
    def announce_deletion_list(published: dict, *, outlet_events) -> None:
        """Tells the deletion consumers that D's deletion list is published; skipped while G2
        holds it (the approval publishes it later, and announces it then)."""
        from airflow.sdk.exceptions import AirflowSkipException

        if published["status"] == "held":
            raise AirflowSkipException("G2 holds the deletion list: nothing to delete yet.")
        outlet_events[DELETION_LIST].extra = published

    @task(outlets=[HELD_DELETION_LIST], on_success_callback=alerts(HELD))
    def announce_hold(published: dict, *, outlet_events) -> None:
        """When G2 held D's deletion list, starts the approval DAG (approve_deletions), which asks
        a person in Airflow's "Required actions"; skipped otherwise. The night itself never
        waits for a person."""
        from airflow.sdk.exceptions import AirflowSkipException

        if published["status"] != "held":
            raise AirflowSkipException("The deletion list was not held.")
        outlet_events[HELD_DELETION_LIST].extra = published

    @task(trigger_rule=TriggerRule.ONE_FAILED, outlets=PUBLISHED_NIGHT)
    def publish_degraded(run_date: str, *, outlet_events) -> dict:
        """G5: when any task failed once the extracts are there, publishes a degraded D: the
        previous suppression list plus every objection still readable from D's extracts, the
        previous eligibility list less those addresses, no deletion list, `"status":
        "degraded"`; its Assets are announced, so that the mail tool gets the objections.
        Skipped when nothing could be read (the previous lists stay). `night_result` then fails
        the run, naming the task that failed first: repair what it names, then rerun D.
        """
        from airflow.sdk.exceptions import AirflowSkipException

        from hygiene.nightly import publish_degraded as degrade

        published = degrade(attempt_of(run_date))
        if published is None:
            raise AirflowSkipException("Nothing of the night could be published (see night_result).")
        for asset in PUBLISHED_NIGHT:
            outlet_events[asset].extra = published
        return published

    @task(
        trigger_rule=TriggerRule.ALL_DONE,
        on_failure_callback=[record_failure, *alerts(FAILED)],
    )
    def night_result(run_date: str) -> str:
        """The night's verdict, last. Fails when a task of the night failed, saying which task
        failed first, why, and what was published instead (a degraded D, or nothing); the
        failed task's log has the details. Repair that, then rerun D."""
        from hygiene.nightly import night_result as verdict

        return verdict(attempt_of(run_date))

    run_date = resolve_run_date()
    ready = wait_for_extracts(run_date)
    landed = verify_landing(run_date)
    loaded = load_raw(run_date)
    checks_raw = check_raw(run_date, landed, loaded)
    checks_marts = check_marts(run_date)
    hold = guard_deletions(run_date)
    outputs = write_outputs(run_date, hold, loaded)
    report = write_report(run_date, landed, checks_raw, checks_marts, hold, loaded)

    ready >> landed >> loaded
    checks_raw >> rules >> checks_marts >> hold
    outputs >> report
    published = publish(run_date, landed, loaded, checks_raw, checks_marts, hold, outputs, report)
    announced = announce_deletion_list(published)
    held = announce_hold(published)
    # After every other task, so that it runs whichever of them failed.
    degraded = publish_degraded(run_date)
    [ready, landed, loaded, checks_raw, rules, checks_marts, hold, outputs, report, published] >> (
        degraded
    )
    [degraded, announced, held] >> night_result(run_date)


retention_nightly()
