"""One attempt at the night of D: its own staging folder and warehouse file, and its journal.

Two runs at once (two `make run`, a backfill beside the nightly, a rerun of D while D runs) never
share a file: an attempt, named after D and its Airflow run id, writes only
`$HYGIENE_OUTPUT_DIR/.staging/<D>~<id>/` and `$HYGIENE_WAREHOUSE_DIR/<D>~<id>.duckdb`; only
`hygiene.publish.release`, holding the output folder's lock, changes what readers see.

The journal `.staging/<D>~<id>.json` says who runs the attempt and how it ended (published,
degraded, or which task failed and why: counts and names only, never data). It also tells a
later run whether the attempt is still alive: one run by `make run` lives in one process (the
`airflow dags test` process, marked by HYGIENE_FOREGROUND; after a stop, `make run` itself,
which takes the attempt over for G5's update), so a dead process means the attempt was killed;
an attempt run by the scheduler (a process per task) is taken as dead once its journal is a day
old, longer than any night runs. A dead attempt's files are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from hygiene.publish.layout import OWNER_ONLY_DIR, OWNER_ONLY_FILE, RUN_FOLDER
from hygiene.settings import FOREGROUND_VARIABLE, Settings

STAGING = ".staging"
STALE_AFTER_SECONDS = 24 * 3600
# The warehouse of the newest finished attempts stays for inspection, as `<D>.duckdb`; older ones
# go (it holds a copy of the extracts: kept no longer than useful, G6).
KEPT_WAREHOUSES = 2


@dataclass(frozen=True)
class Attempt:
    settings: Settings
    run_date: str
    run_id: str  # Airflow's run id; any text that names this attempt

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.run_id.encode()).hexdigest()[:10]
        return f"{self.run_date}~{digest}"

    @property
    def staging(self) -> Path:
        return self.settings.output_root / STAGING / self.key

    @property
    def warehouse(self) -> Path:
        return self.settings.warehouse_dir / f"{self.key}.duckdb"

    @property
    def journal(self) -> Path:
        return self.settings.output_root / STAGING / f"{self.key}.json"

    def start(self) -> None:
        """A fresh staging folder and no warehouse yet: a retried task starts from its inputs
        alone. What dead attempts left behind is removed first."""
        remove_dead_attempts(self.settings, keep=self.key)
        _remove_attempt_files(self)
        self.staging.mkdir(parents=True, mode=OWNER_ONLY_DIR)
        self.settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        self.record(
            run_date=self.run_date,
            run_id=self.run_id,
            pid=os.getpid(),
            host=socket.gethostname(),
            foreground=bool(os.environ.get(FOREGROUND_VARIABLE)),
            outcome="running",
        )

    def record(self, **facts) -> None:
        """Add facts to the journal (written through a rename: never half a journal)."""
        journal = {**self.read_journal(), **facts}
        self.journal.parent.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
        temporary = self.journal.with_suffix(".partial")
        temporary.write_text(json.dumps(journal, indent=2, sort_keys=True) + "\n")
        temporary.chmod(OWNER_ONLY_FILE)
        temporary.replace(self.journal)

    def read_journal(self) -> dict:
        try:
            return json.loads(self.journal.read_text())
        except (OSError, ValueError):
            return {}

    @property
    def is_unfinished(self) -> bool:
        """Started (D's extracts were there), and not ended: neither published nor degraded,
        nor refused."""
        return self.read_journal().get("outcome") == "running"

    def finish(self) -> None:
        """After the run was released: the staging folder is gone (moved into place), the
        warehouse stays for inspection as `<D>.duckdb`."""
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.warehouse.exists():
            os.replace(self.warehouse, self.settings.warehouse_dir / f"{self.run_date}.duckdb")
        _remove_wal(self.warehouse)
        _keep_recent_warehouses(self.settings.warehouse_dir)


def remove_dead_attempts(settings: Settings, keep: str | None = None) -> list[str]:
    """Remove the staging folders, journals and warehouses of attempts that died; return their
    keys. A live attempt is never touched."""
    staging_root = settings.output_root / STAGING
    removed = []
    if staging_root.is_dir():
        for journal_path in staging_root.glob("*~*.json"):
            key = journal_path.stem
            if key == keep or not _is_dead(journal_path):
                continue
            attempt_files = (staging_root / key, settings.warehouse_dir / f"{key}.duckdb")
            for path in attempt_files:
                _remove(path)
            _remove_wal(settings.warehouse_dir / f"{key}.duckdb")
            journal_path.unlink(missing_ok=True)
            removed.append(key)
    # Left by versions of this product that staged beside the published runs.
    for leftover in settings.output_root.glob("????-??-??.*"):
        if RUN_FOLDER.fullmatch(leftover.name[:10]) and leftover.suffix in (".tmp", ".replaced"):
            _remove(leftover)
    return removed


def _is_dead(journal_path: Path) -> bool:
    try:
        journal = json.loads(journal_path.read_text())
        age = time.time() - journal_path.stat().st_mtime
    except (OSError, ValueError):
        return True
    if journal.get("outcome") not in (None, "running"):
        return True  # it ended; what is left of it is no one's
    if age > STALE_AFTER_SECONDS:
        return True
    if journal.get("foreground") and journal.get("host") == socket.gethostname():
        return not _process_alive(int(journal.get("pid", 0)))
    return False


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_attempt_files(attempt: Attempt) -> None:
    _remove(attempt.staging)
    _remove(attempt.warehouse)
    _remove_wal(attempt.warehouse)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def _remove_wal(warehouse: Path) -> None:
    """DuckDB's files beside a warehouse: its write-ahead log, and the folder it spills to when
    a query passes the memory limit (hygiene.memory), left behind by a killed run."""
    warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)
    shutil.rmtree(warehouse.with_name(warehouse.name + ".tmp"), ignore_errors=True)


def _keep_recent_warehouses(warehouse_dir: Path) -> None:
    finished = sorted(
        path for path in warehouse_dir.glob("????-??-??.duckdb") if RUN_FOLDER.fullmatch(path.stem)
    )
    for path in finished[:-KEPT_WAREHOUSES]:
        path.unlink(missing_ok=True)
        _remove_wal(path)
