"""Crash safety and concurrency (issue "Guards"): a night killed with SIGKILL in any step leaves
`latest` and every published run intact and nothing half-written in sight, and the next run
cleans up after it and completes; two nights at once never corrupt each other.

A night runs in a process of its own (tests/night_steps.py: the DAG's steps without Airflow),
marked as run in the foreground as `make run` does. The kill comes from inside, at a chosen
moment: a step's function is wrapped so that it kills the whole process group (dbt included)
there, as the OOM killer or a pulled plug would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from hygiene import publish
from hygiene.generate import generate_landing
from hygiene.publish import layout
from hygiene.settings import PROJECT_ROOT, Settings
from night_steps import TEST_HASH_KEY, run_night

pytestmark = pytest.mark.slow

D0, D1, D2 = "2026-11-27", "2026-11-28", "2026-11-29"

# Python run by the night's process before the night: wraps one function so that it kills the
# process group (SIGKILL) at the chosen moment.
KILL_POINTS = {
    "load": """
        import hygiene.load as target
        original = target._create_typed
        calls = []
        def wrapped(*args, **kwargs):
            original(*args, **kwargs)
            calls.append(1)
            if len(calls) == 2:  # two raw tables loaded, two to go
                kill()
        target._create_typed = wrapped
    """,
    "dbt": """
        import threading
        import night_steps as target
        original = target.dbt_build
        def wrapped(attempt):
            threading.Timer(5.0, kill).start()  # dbt builds for longer than that
            original(attempt)
        target.dbt_build = wrapped
    """,
    "write": """
        import hygiene.publish.lists as target
        original = target.copy_query
        calls = []
        def wrapped(*args, **kwargs):
            calls.append(1)
            if len(calls) == 4:  # three lists written
                kill()
            return original(*args, **kwargs)
        target.copy_query = wrapped
    """,
    "publish": """
        import hygiene.publish.layout as target
        original = target.os.replace
        def wrapped(source, destination):
            # the state is in place and the run moved into .versions/, its link not swapped yet
            if str(destination).endswith("/" + RUN_DATE):
                kill()
            return original(source, destination)
        target.os.replace = wrapped
    """,
}
DRIVER = """
import os, signal, sys
from pathlib import Path
sys.path[:0] = [{plugins!r}, {tests!r}]
RUN_DATE = {run_date!r}
def kill():
    os.killpg(0, signal.SIGKILL)
{kill_point}
from hygiene.settings import Settings
from night_steps import run_night
run_night(Settings(Path({landing!r}), Path({output!r}), Path({warehouse!r})), RUN_DATE)
"""


@pytest.fixture(scope="module", autouse=True)
def environment():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
        patch.setenv("HYGIENE_DELETION_HOLD_SHARE", "1")
        patch.setenv("HYGIENE_FOREGROUND", "1")  # one process runs the night, as `make run`
        yield


@pytest.fixture(scope="module")
def good_night(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("faults")
    settings = Settings(root / "landing", root / "output", root / "warehouse")
    for day in (D0, D1, D2):
        generate_landing(settings.landing(day), date.fromisoformat(day), 60)
    run_night(settings, D0)
    return settings


@pytest.fixture
def night(good_night, tmp_path) -> Settings:
    settings = Settings(good_night.landing_root, tmp_path / "output", tmp_path / "warehouse")
    shutil.copytree(good_night.output_root, settings.output_root, symlinks=True)
    return settings


def start_night(settings: Settings, run_date: str, kill_point: str = "") -> subprocess.Popen:
    script = DRIVER.format(
        plugins=str(PROJECT_ROOT / "plugins"), tests=str(PROJECT_ROOT / "tests"),
        run_date=run_date, kill_point=textwrap.dedent(kill_point),
        landing=str(settings.landing_root), output=str(settings.output_root),
        warehouse=str(settings.warehouse_dir),
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def visible(output_root: Path) -> set[str]:
    """What a reader of the output folder sees: published runs, `latest`, the state."""
    return {entry.name for entry in output_root.iterdir() if not entry.name.startswith(".")}


def assert_intact(output_root: Path, latest: str) -> None:
    assert os.readlink(output_root / "latest") == latest
    for day in layout.published_dates(output_root):
        manifest = publish.read_manifest(output_root / day)
        for name in manifest["outputs"]["sha256"]:
            assert (output_root / day / name).is_file(), f"{day}/{name}"


@pytest.mark.parametrize("step", KILL_POINTS)
def test_a_night_killed_in_any_step_leaves_everything_published_intact(night, step):
    killed = start_night(night, D1, KILL_POINTS[step])
    assert killed.wait(timeout=300) == -9, killed.stdout.read()[-3000:]

    # nothing changed for a reader: D0 is still the latest, whole; no half-written folder
    assert_intact(night.output_root, latest=D0)
    assert visible(night.output_root) == {D0, "latest", "state"}

    rerun = start_night(night, D1)
    assert rerun.wait(timeout=300) == 0, rerun.stdout.read()[-3000:]

    assert_intact(night.output_root, latest=D1)
    assert json.loads((night.output_root / D1 / "run_manifest.json").read_text())["status"] == "published"
    # the rerun removed what the killed night left behind
    assert [p.name for p in (night.output_root / ".staging").iterdir()
            if p.name.startswith(D1) and not p.name.endswith(".json")] == []
    assert len(list((night.output_root / ".staging").glob(f"{D1}~*.json"))) == 1  # the rerun's
    assert sorted(p.name for p in night.warehouse_dir.iterdir()) == [f"{D1}.duckdb"]
    versions = {p.name for p in (night.output_root / ".versions").iterdir()}
    assert versions == {os.readlink(night.output_root / day).split("/")[-1] for day in (D0, D1)}


def test_two_nights_at_once_both_publish_whole_and_latest_ends_on_the_newest(night):
    """A backfill beside the nightly: each attempt has its own files; only the swaps of links
    are serialised, so neither night sees the other's half-written files."""
    nights = [start_night(night, D1), start_night(night, D2)]
    for process in nights:
        assert process.wait(timeout=600) == 0, process.stdout.read()[-3000:]

    assert_intact(night.output_root, latest=D2)
    for day in (D1, D2):
        manifest = publish.read_manifest(night.output_root / day)
        assert manifest["status"] == "published"
        assert manifest["state"]["previous_run"] in (D0, D1)
    assert visible(night.output_root) == {D0, D1, D2, "latest", "state"}


HOLD_THE_LOCK = """
import fcntl, json, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
handle.write(json.dumps({"run_date": "2026-11-27", "pid": 4242, "started": "now"}))
handle.flush()
print("locked", flush=True)
time.sleep(3)
"""
HOLD_THE_LOCK_UNTIL_TOLD = HOLD_THE_LOCK.replace("time.sleep(3)", "sys.stdin.read()")
assert HOLD_THE_LOCK_UNTIL_TOLD != HOLD_THE_LOCK, "the lock holder no longer sleeps 3 s"
WAIT_FOR_IT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from hygiene.foreground import LOCK_FILE, _wait_for_other_runs
root = Path(sys.argv[1])
with open(root / LOCK_FILE, "a+") as lock:
    _wait_for_other_runs(lock, root)
print("got it")
"""


def test_a_second_make_run_waits_for_the_first_and_says_so(tmp_path):
    """Two `make run` on one output folder: the second waits, naming the first (hygiene.foreground)."""
    from hygiene.foreground import LOCK_FILE

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(tmp_path / LOCK_FILE)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    waiter = subprocess.run(
        [sys.executable, "-c", WAIT_FOR_IT, str(tmp_path), str(PROJECT_ROOT / "plugins")],
        capture_output=True, text=True, timeout=60, check=True,
    )
    holder.wait()
    assert waiter.stdout.splitlines() == [
        (f"Another `make run` (D=2026-11-27, pid 4242, started now) is running on {tmp_path}; "
        "this one waits for it."),
        "got it",
    ]
    assert time.monotonic() - started >= 2


def test_ctrl_c_while_a_make_run_waits_for_another_ends_it_in_one_sentence(tmp_path):
    """Ctrl+C on the waiting `make run`: it says nothing ran and exits 130, without a traceback."""
    from hygiene.foreground import LOCK_FILE

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK_UNTIL_TOLD, str(tmp_path / LOCK_FILE)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    waiter = subprocess.Popen(
        [sys.executable, "-m", "hygiene", "run", "--date", "2026-11-28"],
        env={**os.environ, "HYGIENE_OUTPUT_DIR": str(tmp_path)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert "this one waits for it" in waiter.stdout.readline()
    waiter.send_signal(signal.SIGINT)
    out, err = waiter.communicate(timeout=60)
    holder.communicate("")  # let go of the lock
    assert waiter.returncode == 128 + signal.SIGINT
    assert out == "Stopped by SIGINT while waiting: the night of 2026-11-28 did not start.\n"
    assert err == ""
