"""The nightly DAG as the data team runs it: started by the scheduler, not by `airflow dags test`.

`airflow standalone` (scheduler, DAG processor, triggerer, API server; LocalExecutor, SQLite)
runs in an Airflow home of its own, on free ports. Unpausing the DAG makes the scheduler create
the latest scheduled run (catchup is off); it must succeed with every task green. Here the dbt
watcher sensors defer to the triggerer, the default outside `dags test` (README, "Execution
mode"): in reschedule mode the scheduler failed them now and then (apache/airflow#71172).
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from airflow_runner import BIN, DAG_ID, Folders, airflow_env
from hygiene.generate import generate_landing
from hygiene.nightly import run_date_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STARTUP_SECONDS = 240
RUN_SECONDS = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scheduler_env(home: Path, folders: Folders) -> dict[str, str]:
    """The Makefile's environment, with a home and ports of its own and deferred dbt sensors."""
    api_port = free_port()
    env = airflow_env(folders) | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{api_port}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
    }
    env.pop("HYGIENE_DBT_SENSOR_MODE")
    return env


def query(database: Path, sql: str, *parameters) -> list[tuple]:
    if not database.exists():
        return []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError:  # tables not created yet
            return []


def wait_for(what: str, seconds: int, probe):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(5)
    raise AssertionError(f"gave up after {seconds} s waiting for {what}")


@pytest.fixture(scope="module")
def scheduled_run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("scheduler")
    folders = Folders(root / "landing", root / "output", root / "warehouse")
    home = root / "airflow"
    home.mkdir()
    database = home / "airflow.db"
    env = scheduler_env(home, folders)
    # The latest scheduled run is today's or yesterday's 03:00 in Amsterdam: D is one of these.
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    for day in (today - timedelta(days=1), today):
        generate_landing(folders.landing_root / day.isoformat(), day, contacts=200)

    log = (root / "standalone.log").open("w")
    standalone = subprocess.Popen(
        [str(BIN / "airflow"), "standalone"], env=env, cwd=home, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for("the DAG processor to register the DAG", STARTUP_SECONDS,
                 lambda: query(database, "select dag_id from dag where dag_id = ?", DAG_ID))
        subprocess.run([str(BIN / "airflow"), "dags", "unpause", DAG_ID], env=env, cwd=home,
                       check=True, capture_output=True)
        run_id, state, logical_date = wait_for(
            "the scheduled run to finish", STARTUP_SECONDS + RUN_SECONDS,
            lambda: query(
                database,
                "select run_id, state, logical_date from dag_run where dag_id = ?"
                " and run_type = 'scheduled' and state in ('success', 'failed')",
                DAG_ID,
            ),
        )[0]
        task_states = dict(query(
            database, "select task_id, state from task_instance where dag_id = ? and run_id = ?",
            DAG_ID, run_id,
        ))
    finally:
        os.killpg(standalone.pid, signal.SIGTERM)
        try:
            standalone.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(standalone.pid, signal.SIGKILL)
        log.close()
    logical = datetime.fromisoformat(logical_date).replace(tzinfo=UTC)
    return {
        "state": state,
        "tasks": task_states,
        "run_date": run_date_of(logical),
        "output": folders.output_root,
        "log": root / "standalone.log",
    }


def test_scheduled_run_succeeds_with_every_task_green(scheduled_run):
    not_green = {t: s for t, s in scheduled_run["tasks"].items() if s != "success"}
    assert scheduled_run["state"] == "success" and not not_green, (
        f"run {scheduled_run['state']}, tasks not green: {not_green}; "
        f"see {scheduled_run['log']}"
    )
    assert any(task.startswith("rules.") for task in scheduled_run["tasks"])


def test_scheduled_run_publishes_d_and_moves_latest(scheduled_run):
    run_date = scheduled_run["run_date"]
    assert date.fromisoformat(run_date)
    published = scheduled_run["output"] / run_date
    assert (published / "run_manifest.json").is_file()
    assert (scheduled_run["output"] / "latest").resolve() == published.resolve()

