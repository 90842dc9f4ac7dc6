"""`make run`: one night in the foreground, as `airflow dags test` runs it, in a few lines.

Airflow's own output (several kilobytes a task, "unrunnable tasks" lines while a task waits) goes
to a log file; the terminal gets a line as each step starts and one with its counts as it ends
(hygiene.progress), the warnings of our own checks, and a closing line: where the published run
is, or which task failed and why, from the attempt's journal (hygiene.attempts). Two `make run`
on the same output folder never run at once: the second waits for the first, saying so (a night
holds the warehouse and the output folder for minutes, and `airflow dags test` processes share
one metadata database).
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from hygiene.attempts import Attempt
from hygiene.settings import FOREGROUND_VARIABLE, NIGHTLY_DAG_ID, PROJECT_ROOT, Settings
from hygiene.stopping import NightStopper, StoppedBySignal, show
from hygiene.summary import first_sentences, night_summary, published_instead

LOCK_FILE = ".foreground.lock"
LOG_FOLDER = PROJECT_ROOT / "logs"
DBT_PRODUCER = "rules.dbt_producer_watcher"
# A log line of Airflow's console format: time [level] message [logger] key=value …
LOG_LINE = re.compile(r"\[(?P<level>\w+)\s*\] (?P<message>.*?) \[(?P<logger>[\w.]+)\]")
STARTING = re.compile(r"\[DAG TEST\] starting task_id=(?P<task>\S+)")
RUN_ID = re.compile(r"\b(manual__\d{4}-\d{2}-\d{2}T[\d:.+\-]+)")
DBT_DONE = re.compile(r"Finished running (?P<what>.*?) in \d+ hours \d+ minutes and (?P<seconds>[\d.]+) seconds")
# While a sensor waits to look again, `airflow dags test` logs every task not yet runnable, once
# a second: some 8 kB a second, 100 MB for a night that waits four hours for its extracts.
WAITING_LINE = "No tasks to run. unrunnable tasks:"


def airflow_command(*arguments: str) -> list[str]:
    """`airflow <arguments>` of this environment, through hygiene.airflow_cli (it ends without
    the interpreter's last garbage collections); -P: no current folder on sys.path, as the
    `airflow` script runs."""
    return [sys.executable, "-P", "-m", "hygiene.airflow_cli", *arguments]


def run_night(run_date: str, settings: Settings) -> int:
    """Run the nightly DAG for D; print one closing line; return the exit code of the run
    (128 + the signal's number when a signal stopped it: hygiene.stopping)."""
    settings.output_root.mkdir(parents=True, exist_ok=True)
    LOG_FOLDER.mkdir(exist_ok=True)
    log = LOG_FOLDER / f"run-{run_date}-{datetime.now():%Y%m%dT%H%M%S}.log"
    task_logs = TaskLogs()
    with (open(settings.output_root / LOCK_FILE, "a+") as lock,
          NightStopper(lambda: task_logs.task) as stopper):
        try:
            _wait_for_other_runs(lock, settings.output_root)
            lock.seek(0)
            lock.truncate()
            lock.write(json.dumps({"run_date": run_date, "pid": os.getpid(),
                                   "started": datetime.now().isoformat(timespec="seconds")}))
            lock.flush()
        except StoppedBySignal as stopped:
            show(f"Stopped by {stopped} while waiting: the night of {run_date} did not start.")
            return stopped.exit_code
        started = time.monotonic()
        with log.open("w") as output:
            process = stopper.start(
                airflow_command("dags", "test", NIGHTLY_DAG_ID, run_date),
                env={**os.environ, FOREGROUND_VARIABLE: "1", "HYGIENE_DBT_SENSOR_MODE": "reschedule",
                     "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
                     # dbt and airflow of this environment, also when it is not activated
                     "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, errors="replace",
            )
            show(f"Night of {run_date}: Airflow's output goes to {log}")
            try:
                _relay(process, output, task_logs)
                returncode = process.wait()
            except BaseException:  # whatever ends make run here ends its night too
                stopper.kill()
                raise
            stopper.ended()
        # AIRFLOW_HOME: set by `hygiene` itself where no Airflow is configured (hygiene.cli)
        task_logs.write(Path(os.environ["AIRFLOW_HOME"]) / "logs")
        # this night's attempt, named by Airflow's run id (none: it ended before its first step)
        attempt = Attempt(settings, run_date, task_logs.run_id) if task_logs.run_id else None
        stopped = stopper.stopped
        if stopped is not None and attempt is not None:
            _after_the_stop(stopper, attempt, stopped, log)
    minutes = (time.monotonic() - started) / 60
    journal = attempt.read_journal() if attempt is not None else {}
    if stopped is not None:
        show(stopped_line(run_date, journal, stopped, log, minutes))
        return stopped.exit_code
    show(closing_line(run_date, journal, returncode, log, minutes))
    return returncode


def _after_the_stop(stopper: NightStopper, attempt: Attempt, stopped: StoppedBySignal,
                    log: Path) -> None:
    """A stopped night is a failed one: G5's degraded update and its Assets, unless Airflow
    published it before it ended, the night itself was published before the stop, or the night
    had not started (no extracts yet); then the run's state and note in Airflow's database."""
    if attempt.is_unfinished:
        _update_after_the_stop(stopper, attempt, stopped, log)
    _record_the_stop_in_airflow(attempt.run_id)


def _update_after_the_stop(stopper: NightStopper, attempt: Attempt, stopped: StoppedBySignal,
                           log: Path) -> None:
    """The update and its Assets in a process of its own (hygiene.stopped_night), which a second
    signal kills as it would the night; its output goes to the log, and the terminal a line on
    how it ended."""
    from hygiene import stopped_night

    # make run takes the attempt over: alive, its files are no other run's to remove as a dead
    # attempt's (hygiene.attempts), also once Airflow no longer counts the run as running
    attempt.record(pid=os.getpid())
    show("  ▸ publish_degraded: the night's objections (G5), as a failed night does")
    with log.open("a") as output:
        update = stopper.start(
            [sys.executable, "-P", "-m", "hygiene.stopped_night", attempt.run_date,
             attempt.run_id, stopped.task, str(stopped)],
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        )
        update.wait()
        stopper.ended()
    code = update.returncode
    if code == stopped_night.PUBLISHED:
        show("  ✓ publish_degraded: published, and Airflow was told (deliver_exports, switched on, "
             "is queued)")
    elif code == stopped_night.PUBLISHED_NOT_ANNOUNCED:
        show("  ! publish_degraded: published, but Airflow was not told: trigger deliver_exports "
             f"by hand (the log says why: {log})")
    elif code < 0:
        show(f"  ■ the degraded update was killed: if `hygiene where` shows a degraded "
             f"{attempt.run_date}, trigger deliver_exports by hand")
    elif code != stopped_night.NOTHING_PUBLISHED:  # (that one the STOPPED line says why)
        show(f"  ! the degraded update failed (exit {code}): see {log}")


def _record_the_stop_in_airflow(run_id: str) -> None:
    """The run marked failed where the stop left it "running", and its note."""
    from sqlalchemy.exc import SQLAlchemyError

    from hygiene.run_note import fail_and_note_the_stopped_run  # imports Airflow: after a stop

    try:
        fail_and_note_the_stopped_run(run_id)
    except SQLAlchemyError as error:  # "database is locked": the last line must still come
        show(f"  ! the run could not be marked failed in Airflow ({type(error).__name__}: "
             f"{first_sentences(str(error))}); mark it in the UI if it shows as running")


def _relay(process: subprocess.Popen, output, task_logs: TaskLogs) -> None:
    """The night's output, until it ends, into the log, the task logs and (shown_line) the
    terminal."""
    waits = RepeatedWaits()
    # "" at the end: how many lines the last wait left out
    for line in itertools.chain(process.stdout, [""]):
        for kept in waits.lines_to_keep(line):
            output.write(kept)
            task_logs.add(kept)
        shown = shown_line(line)
        if shown:
            show(shown)


class RepeatedWaits:
    """Keeps the first of a run of WAITING_LINEs for the logs and, after it, how many followed,
    so that a wait costs a line, not megabytes."""

    def __init__(self) -> None:
        self.waiting = False
        self.left_out = 0

    def lines_to_keep(self, line: str) -> list[str]:
        """The lines to log for `line`: none while a wait goes on ("" ends one)."""
        if WAITING_LINE in line:
            if self.waiting:
                self.left_out += 1
                return []
            self.waiting = True
            return [line]
        kept = [f"(and {self.left_out:,} more such lines, one a second while it waited)\n"
                ] if self.left_out else []
        self.waiting, self.left_out = False, 0
        return kept + ([line] if line else [])


class TaskLogs:
    """The night's output cut into one log per task, where the Airflow UI finds a task's log
    (`airflow dags test` runs the tasks one after another in its own process and writes no
    task logs of its own): `make run`'s nights can be read in `make ui` like scheduled ones."""

    def __init__(self) -> None:
        self.run_id: str | None = None
        self.lines: dict[str, list[str]] = {}
        self.task: str | None = None

    def add(self, line: str) -> None:
        starting = STARTING.search(line)
        if starting:
            self.task = starting["task"]
            self.lines.setdefault(self.task, [])
        if self.run_id is None and (found := RUN_ID.search(line)):
            self.run_id = found.group(1)
        if self.task is not None:
            self.lines[self.task].append(line)

    def write(self, log_folder: Path) -> None:
        if self.run_id is None:
            return
        for task, lines in self.lines.items():
            path = (log_folder / f"dag_id={NIGHTLY_DAG_ID}" / f"run_id={self.run_id}" / f"task_id={task}"
                    / "attempt=1.log")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(lines))


def shown_line(line: str) -> str | None:
    """What the terminal shows of one line of Airflow's output, if anything: a step starting,
    a step's counts (hygiene.progress), dbt's summary, a warning of our own checks."""
    starting = STARTING.search(line)
    if starting:
        task = starting["task"]
        if task == DBT_PRODUCER:
            return "  ▸ rules: dbt build (each model a task)"
        return None if task.startswith("rules.") else f"  ▸ {task}"
    dbt = DBT_DONE.search(line)
    if dbt:
        return f"  ✓ rules: dbt built {dbt['what']} in {float(dbt['seconds']):.1f} s"
    logged = LOG_LINE.search(line)
    if logged and logged["logger"] == "hygiene.progress":
        return f"  ✓ {logged['message']}"
    if logged and logged["level"] in ("warning", "error") and logged["logger"].startswith("hygiene."):
        return f"  ! {logged['message']}"
    return None


def closing_line(run_date: str, journal: dict, returncode: int, log: Path, minutes: float) -> str:
    """Where the published run is, or which task failed and why (never Airflow's task dump),
    from the night's attempt's `journal`."""
    summary = night_summary(run_date, journal, succeeded=returncode == 0)
    if summary:
        return f"{summary} ({minutes:.1f} min; log: {log})"
    return f"FAILED {run_date} before any step of the night ran (exit {returncode}): see {log}"


def stopped_line(run_date: str, journal: dict, stopped: StoppedBySignal, log: Path,
                 minutes: float) -> str:
    """What a signal stopped, and what the night (its attempt's `journal`) had published by then:
    G5's degraded update, as a failed night does, or the night itself when the stop came after
    it was published."""
    return (
        f"STOPPED {run_date} by {stopped} in {stopped.task} ({minutes:.1f} min; log: {log}). "
        f"{published_instead(run_date, journal)} Run it again with `make run DATE={run_date}`."
    )


def _wait_for_other_runs(lock, output_root: Path) -> None:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    lock.seek(0)
    holder = lock.read().strip() or "{}"
    try:
        other = json.loads(holder)
    except ValueError:
        other = {}
    print(
        f"Another `make run` (D={other.get('run_date', '?')}, pid {other.get('pid', '?')}, started "
        f"{other.get('started', '?')}) is running on {output_root}; this one waits for it.",
        flush=True,
    )
    fcntl.flock(lock, fcntl.LOCK_EX)
