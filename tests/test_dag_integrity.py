"""The DAG folder imports cleanly and the nightly DAG has the shape DESIGN.md describes."""

from __future__ import annotations

import sys

import pytest

from airflow_runner import PROJECT_ROOT, airflow_env


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory, monkeypatch_module):
    for name, value in airflow_env().items():
        monkeypatch_module.setenv(name, value)
    monkeypatch_module.setenv("HYGIENE_WAREHOUSE", str(tmp_path_factory.mktemp("wh") / "wh.duckdb"))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "retention_nightly" in dagbag.dags


def test_nightly_runs_at_three_in_amsterdam_one_at_a_time_without_catchup(dagbag):
    dag = dagbag.dags["retention_nightly"]
    assert dag.timetable.expression == "0 3 * * *"
    assert str(getattr(dag.timetable.timezone, "name", dag.timetable.timezone)) == "Europe/Amsterdam"
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    # any past night may be run by hand: Airflow makes no task for a date before the start
    assert dag.start_date.year <= 2000


def test_every_step_of_the_night_is_a_task_with_docs(dagbag):
    dag = dagbag.dags["retention_nightly"]
    steps = ["wait_for_extracts", "verify_landing", "load_raw", "check_raw", "check_marts",
             "guard_deletions", "write_outputs", "write_report", "publish"]
    for step in steps:
        assert dag.get_task(step).doc_md or dag.get_task(step).doc, step
    assert dag.get_task("wait_for_extracts").mode == "reschedule"


def test_each_dbt_model_is_its_own_task(dagbag):
    task_ids = set(dagbag.dags["retention_nightly"].task_ids)
    assert "rules.dbt_producer_watcher" in task_ids
    for model in ("suppression_list", "marketing_eligibility", "deletion_list", "fct_address_decisions"):
        assert any(model in task_id for task_id in task_ids), model


def test_the_nightly_dbt_build_leaves_the_sql_guards_to_make_test(dagbag):
    """Unit and data tests guard the SQL: tests/test_dbt_unit_tests.py runs them; the night
    builds the models and checks the data with GX."""
    dag = dagbag.dags["retention_nightly"]
    producer = dag.get_task("rules.dbt_producer_watcher")
    assert "resource_type:unit_test" in producer.exclude
    assert "resource_type:test" in producer.exclude
    assert not [task_id for task_id in dag.task_ids if task_id.endswith((".test", "_test"))]


def test_publish_happens_after_every_check_and_guard(dagbag):
    dag = dagbag.dags["retention_nightly"]
    upstream = dag.get_task("publish").get_flat_relative_ids(upstream=True)
    assert {"check_raw", "check_marts", "guard_deletions", "write_outputs", "write_report"} <= upstream


def _dag_module():
    """The module DagBag imported (under a name of its own), to call its helpers."""
    path = str(PROJECT_ROOT / "dags" / "retention_nightly.py")
    return next(m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == path)


def test_dbt_sensors_reschedule_under_dags_test(dagbag):
    """`make run` and the tests use `airflow dags test`, where a deferred sensor never returns."""
    consumers = [
        task for task in dagbag.dags["retention_nightly"].tasks
        if task.task_id.startswith("rules.") and "producer" not in task.task_id
    ]
    assert consumers
    assert {(task.deferrable, task.mode) for task in consumers} == {(False, "reschedule")}


def test_dbt_sensors_defer_in_the_scheduler_by_default(dagbag, monkeypatch):
    """Reschedule mode races in the scheduler (apache/airflow#71172): deferred is the default."""
    module = _dag_module()
    monkeypatch.delenv("HYGIENE_DBT_SENSOR_MODE")
    assert module.watcher_sensor_args() == {"deferrable": True}
    monkeypatch.setenv("HYGIENE_DBT_SENSOR_MODE", "poke")
    with pytest.raises(ValueError, match="HYGIENE_DBT_SENSOR_MODE='poke': expected one of"):
        module.watcher_sensor_args()


def test_each_dbt_model_task_shows_the_models_description(dagbag):
    dag = dagbag.dags["retention_nightly"]
    task = next(t for t in dag.tasks if t.task_id.startswith("rules.suppression_list"))
    assert "suppression_list.csv" in task.doc_md and "M9" in task.doc_md


def test_nothing_is_retried_under_dags_test(dagbag):
    """A retried task starts from its inputs alone: a failed night fails at once."""
    assert {t.retries for t in dagbag.dags["retention_nightly"].tasks} == {0}


def test_in_the_scheduler_model_tasks_may_be_tried_again_but_never_the_dbt_build(dagbag, monkeypatch):
    """apache/airflow#71172 fails a sensor now and then: a model's task only reads the
    producer's result, the producer does the work once."""
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.delenv("HYGIENE_DBT_SENSOR_MODE")
    scheduled = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "retention_nightly.py"))
    tasks = {t.task_id: t for t in scheduled.dags["retention_nightly"].tasks}
    assert tasks.pop("rules.dbt_producer_watcher").retries == 0
    models = [t for task_id, t in tasks.items() if task_id.startswith("rules.")]
    assert len(models) > 20 and {t.retries for t in models} == {2}
    assert {t.retries for task_id, t in tasks.items() if not task_id.startswith("rules.")} == {0}


def test_g5_a_failed_night_publishes_its_degraded_update_whichever_task_failed(dagbag):
    dag = dagbag.dags["retention_nightly"]
    degraded = dag.get_task("publish_degraded")
    assert degraded.trigger_rule == "one_failed"
    upstream = degraded.get_flat_relative_ids(upstream=True)
    assert {"load_raw", "check_raw", "check_marts", "write_outputs", "publish"} <= upstream
    assert any(task_id.startswith("rules.") for task_id in degraded.upstream_task_ids)
    assert [outlet.name for outlet in degraded.outlets] == [
        "hygiene_suppression_list", "hygiene_privacy_report"]  # the mail tool gets it (G5)
    result = dag.get_task("night_result")
    assert result.trigger_rule == "all_done" and "publish_degraded" in result.upstream_task_ids
    assert not result.downstream_task_ids  # the verdict is the last word


def test_g2_a_held_list_starts_the_approval_dag_which_asks_a_person(dagbag):
    nightly = dagbag.dags["retention_nightly"]
    announce = nightly.get_task("announce_hold")
    assert [outlet.name for outlet in announce.outlets] == ["hygiene_held_deletion_list"]
    assert [o.name for o in nightly.get_task("announce_deletion_list").outlets] == [
        "hygiene_deletion_list"]
    approval = dagbag.dags["approve_deletions"]
    review = approval.get_task("review")
    assert type(review).__name__ == "ApprovalOperator"
    assert review.defaults == ["Reject"] and review.response_timeout.days == 7
    assert approval.get_task("publish_approved").upstream_task_ids >= {"review"}


def test_only_the_one_dbt_build_keeps_the_working_tables_in_memory(dagbag):
    """A model's task built alone (Cosmos's fallback, after the night is cleared) must build its
    working tables in the warehouse file, where the models after it find them (decision 75)."""
    from hygiene.settings import NIGHTLY_DBT_ENV

    dag = dagbag.dags["retention_nightly"]
    producer = dag.get_task("rules.dbt_producer_watcher")
    assert NIGHTLY_DBT_ENV.items() <= producer.env.items()
    models = [t for t in dag.tasks if t.task_id.startswith("rules.") and t.task_id.endswith("_run")]
    assert len(models) > 20
    assert not [t.task_id for t in models if set(NIGHTLY_DBT_ENV) & set(t.env)]


class _ProducersXComs:
    """The task instance of a model's try (the second by default): what the build reported."""

    def __init__(self, statuses: dict[str, str], try_number: int = 2):
        self.statuses = statuses
        self.try_number = try_number

    def xcom_pull(self, task_ids, key=None):
        status = self.statuses.get(key)
        return None if status is None else {"status": status, "outlet_uris": []}


@pytest.mark.parametrize("reported", ["success", "failed"])
def test_a_model_task_tried_again_after_the_build_reads_its_result(dagbag, monkeypatch, reported):
    """apache/airflow#71172 fails a sensor that had succeeded; its retry must report the build's
    result, not build the model again alone (the working tables it reads are gone)."""
    from cosmos.operators._watcher.state import get_status_xcom_key

    task = dagbag.dags["retention_nightly"].get_task("rules.fct_address_decisions_run")
    built_again = []
    monkeypatch.setattr(task, "_get_producer_task_status", lambda context: "success")
    monkeypatch.setattr(task, "build_and_run_cmd", lambda *a, **k: built_again.append(k))
    ti = _ProducersXComs({get_status_xcom_key(task.model_unique_id): reported})
    if reported == "success":
        assert task.poke({"ti": ti}) is True
    else:
        with pytest.raises(Exception, match="finished with status 'failed'"):
            task.poke({"ti": ti})
    assert built_again == []


def test_after_the_night_is_cleared_a_model_task_builds_its_model(dagbag, monkeypatch):
    """Cleared, the producer skips (it never builds twice): each model's task builds its model
    alone, as Cosmos does, even with the earlier try's results at hand. It guards the limit of
    hygiene.model_task_result, which reads a result only after a successful build."""
    from cosmos.operators._watcher.state import get_status_xcom_key

    task = dagbag.dags["retention_nightly"].get_task("rules.fct_address_decisions_run")
    built_again = []
    monkeypatch.setattr(task, "_get_producer_task_status", lambda context: "skipped")
    monkeypatch.setattr(task, "build_and_run_cmd", lambda *a, **k: built_again.append(k))
    ti = _ProducersXComs({get_status_xcom_key(task.model_unique_id): "success"})
    assert task.poke({"ti": ti}) is True
    assert built_again and built_again[0]["cmd_flags"][-2:] == ["--select", "fct_address_decisions"]


def test_under_make_run_a_model_task_after_a_failed_build_fails_without_building(
    dagbag, monkeypatch
):
    """The build failed before it reached the model (interrupted, stopped, out of memory):
    under `make run` the model's task fails at once and names the producer, where Cosmos would
    build the model alone on the failed night's warehouse (decision 77)."""
    task = dagbag.dags["retention_nightly"].get_task("rules.fct_address_decisions_run")
    built_alone = []
    monkeypatch.setenv("HYGIENE_FOREGROUND", "1")
    monkeypatch.setattr(task, "_get_producer_task_status", lambda context: "failed")
    monkeypatch.setattr(task, "build_and_run_cmd", lambda *a, **k: built_alone.append(k))
    ti = _ProducersXComs({}, try_number=1)
    with pytest.raises(Exception, match="failed before it reached model.hygiene.fct_address_decisions"
                       ".*rules.dbt_producer_watcher.*make run DATE=D"):
        task.poke({"ti": ti})
    assert built_alone == []


def test_in_the_scheduler_a_cleared_model_task_after_a_failed_build_builds_its_model(
    dagbag, monkeypatch
):
    """A person clears one model's task after a failed night (it was upstream_failed, so this
    is its first try): Cosmos's way, the model built alone, stays (decision 77)."""
    task = dagbag.dags["retention_nightly"].get_task("rules.fct_address_decisions_run")
    built_alone = []
    monkeypatch.delenv("HYGIENE_FOREGROUND", raising=False)
    monkeypatch.setattr(task, "_get_producer_task_status", lambda context: "failed")
    monkeypatch.setattr(task, "build_and_run_cmd", lambda *a, **k: built_alone.append(k))
    assert task.poke({"ti": _ProducersXComs({}, try_number=1)}) is True
    assert built_alone and built_alone[0]["cmd_flags"][-2:] == ["--select", "fct_address_decisions"]


def test_a_model_task_keeps_its_operators_name_in_the_ui(dagbag):
    """The mixin of hygiene.model_task_result changes a sensor's class, not what the data
    team sees: the operator keeps Cosmos's name, and its module says where the class comes from."""
    task = dagbag.dags["retention_nightly"].get_task("rules.fct_address_decisions_run")
    assert type(task).__name__ == "DbtRunWatcherOperator"
    assert type(task).__module__ == "hygiene.model_task_result"
