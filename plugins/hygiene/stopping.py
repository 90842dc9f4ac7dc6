"""What stops `make run` stops its night (docs/decisions.md, 77): Ctrl+C, and cron's or a
service manager's SIGTERM or SIGHUP.

`airflow dags test` turns a SIGTERM into the running task's `on_kill` and goes on with the next
task, so the night runs in a process group of its own (Airflow and its dbt), which `make run`
interrupts as Ctrl+C would, and kills when asked twice or when it has not ended after
STOP_GRACE_SECONDS. Before the night starts (waiting for another `make run`), a signal raises
StoppedBySignal instead. Once it runs, the handler never raises: no moment of `make run`, a
print to a terminal that has gone included, can leave the night running without it. After a
stop, G5's degraded update runs the same way (hygiene.stopped_night), and a second signal kills
it as it would the night.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from contextlib import suppress
from typing import Any, Self

STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_GRACE_SECONDS = 60


class StoppedBySignal(Exception):
    """A signal asked `make run` to stop (STOPPING_SIGNALS)."""

    def __init__(self, signum: int, step: str | None = None) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum  # as a shell reports a process a signal ended
        self.step = step  # the night's task running when it came

    @property
    def task(self) -> str:
        """The night's task running when it came, in words."""
        return self.step or "its start"


def release_stopping_signals() -> None:
    """In the night's process: take the signals `NightStopper.start` held while it started."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING_SIGNALS)


class NightStopper:
    """Installed for the whole of `make run` (a context manager); `stopped` says what stopped
    the night, if anything. `current_step` names the night's task running at a moment."""

    def __init__(self, current_step: Any) -> None:
        self.current_step = current_step
        self.process: subprocess.Popen | None = None
        self.stopped: StoppedBySignal | None = None
        self._kill: threading.Timer | None = None

    def __enter__(self) -> Self:
        self._previous = {signum: signal.signal(signum, self._on_signal)
                          for signum in STOPPING_SIGNALS}
        return self

    def __exit__(self, *_) -> None:
        self.ended()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def start(self, command: list[str], **popen: Any) -> subprocess.Popen:
        """Start the night in a process group of its own. The signals are held meanwhile, so
        that one arriving while it starts is handled once it is known, not lost with it; the
        night's process takes them back first thing (release_stopping_signals)."""
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING_SIGNALS)
        try:
            self.process = subprocess.Popen(command, process_group=0, **popen)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING_SIGNALS)
        return self.process

    def kill(self) -> None:
        """End the night at once (make run itself fails)."""
        self._signal_night(signal.SIGKILL)

    def ended(self) -> None:
        """The process has ended: no kill after the grace."""
        if self._kill is not None:
            self._kill.cancel()

    def _on_signal(self, signum: int, frame) -> None:
        if self.process is None:
            raise StoppedBySignal(signum)
        if self.stopped is not None:  # asked again: at once
            self._signal_night(signal.SIGKILL)
            return
        self.stopped = StoppedBySignal(signum, self.current_step())
        self._signal_night(signal.SIGINT)
        self._kill = threading.Timer(STOP_GRACE_SECONDS, self._signal_night, (signal.SIGKILL,))
        self._kill.daemon = True
        self._kill.start()
        show(f"  ■ {self.stopped}: stopping the night (at most {STOP_GRACE_SECONDS} s)")

    def _signal_night(self, signum: int) -> None:
        # a process waited for is signalled no more: its group's number may be reused (one that
        # has ended but is not yet waited for keeps its number)
        if self.process.returncode is not None:
            return
        with suppress(ProcessLookupError):  # it ended meanwhile
            os.killpg(self.process.pid, signum)


def show(text: str) -> None:
    """A line on the terminal, if there still is one: a terminal closed (SIGHUP) or a pipe whose
    reader has gone must not stop `make run` from seeing its night to the end."""
    with suppress(OSError):
        print(text, flush=True)
