"""Write the state after D from the warehouse, and read the state before D into it."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from hygiene.keyed_hash import register_hmac
from hygiene.load import connect
from hygiene.publish.layout import OWNER_ONLY_DIR, OWNER_ONLY_FILE
from hygiene.publish.lists import STATE_FOLDER, copy_query

STOP_COLUMNS = "channel varchar, address_hmac varchar, purpose varchar, reason varchar, since date"
HISTORY_COLUMNS = (
    "subject_type varchar, subject_id varchar, action varchar, rule varchar, due_date date, "
    "listed_since date"
)
# state file -> (the raw table the next night reads it into, its columns, the mart it comes from)
TABLES = {
    "remembered_stops.parquet": ("previous_suppressions", STOP_COLUMNS, "marts.remembered_stops"),
    "tombstones.parquet": ("tombstones", STOP_COLUMNS, "marts.tombstones"),
    "deletion_history.parquet": ("deletion_history", HISTORY_COLUMNS, "marts.deletion_history"),
}
RUNS_FILE = "runs.csv"
RUN_COLUMNS = ("run_date", "status", "contacts", "contact_deletions", "suppressed", "eligible")
APPROVED_FOLDER = "approved"
DELETION_COLUMNS = "subject_type, subject_id, action, rule, due_date"
# What a run published before the state existed kept of M8 and M10 (read once, on upgrading).
LEGACY_SUPPRESSION_LIST = "suppression_list.csv"
LEGACY_TOMBSTONES = Path("state") / "tombstones.csv"


def snapshot_of(output_root: Path, run_date: str) -> Path | None:
    """The state after the published run of `run_date`, if there is one."""
    folder = output_root / STATE_FOLDER / run_date
    return folder if folder.is_dir() else None


def load_state(
    output_root: Path, previous_run: Path | None, warehouse: Path, run_date: str
) -> dict[str, int]:
    """Fill `raw.previous_suppressions` (M8), `raw.tombstones` (M10) and `raw.deletion_history`
    (G3) from the state after `previous_run`, the run published before D (all empty on a first
    run); approvals of held lists dated before D are merged into the history. Rows per table."""
    snapshot = snapshot_of(output_root, previous_run.name) if previous_run else None
    with connect(warehouse) as connection:
        connection.execute("create schema if not exists raw")
        for file, (table, columns, _) in TABLES.items():
            connection.execute(f"create or replace table raw.{table} ({columns})")
            if snapshot is not None and (snapshot / file).is_file():
                connection.execute(f"insert into raw.{table} select * from read_parquet(?)",
                                   [str(snapshot / file)])
        if snapshot is None and previous_run is not None:
            _load_legacy(connection, previous_run)
        _merge_approvals(connection, output_root, run_date)
        return {
            table: connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
            for table, _, _ in TABLES.values()
        }


def stage_state(
    warehouse: Path,
    folder: Path,
    previous_run: Path | None,
    night: dict,
    *,
    deletions_held: bool,
) -> dict[str, int]:
    """Write the state after D into `folder` (the attempt's `state/`); rows per file.

    `night` is this run's line of `runs.csv` (RUN_COLUMNS). While G2 holds today's deletion list,
    the subjects it lists for the first time are not remembered as listed: nobody was told yet.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    rows = {}
    with connect(warehouse, read_only=True) as connection:
        for file, (_, columns, mart) in TABLES.items():
            names = ", ".join(column.split()[0] for column in columns.split(", "))
            where = " where not is_first_listed_today" if deletions_held and "history" in file else ""
            # sorted by all its columns, as compressed Parquet: byte-identical on a rerun
            rows[file] = copy_query(connection, f"select {names} from {mart}{where}", folder / file)
    snapshot = snapshot_of(previous_run.parent, previous_run.name) if previous_run else None
    rows[RUNS_FILE] = write_runs(folder, recent_runs(snapshot), night)
    return rows


def recent_runs(snapshot: Path | None) -> list[dict]:
    """The nights of `runs.csv` in a state folder, oldest first (empty without one)."""
    if snapshot is None or not (snapshot / RUNS_FILE).is_file():
        return []
    with (snapshot / RUNS_FILE).open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_runs(folder: Path, earlier: list[dict], night: dict) -> int:
    """`runs.csv`: the earlier nights before this one, and this one."""
    nights = [row for row in earlier if row["run_date"] < night["run_date"]] + [night]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=RUN_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(nights)
    path = folder / RUNS_FILE
    path.write_text(text.getvalue())
    path.chmod(OWNER_ONLY_FILE)
    return len(nights)


def approve_deletions(output_root: Path, run_date: str, approved_list: Path) -> Path:
    """Remember that D's held deletion list was approved (G2), for G3: from the next night on,
    its subjects count as listed since D."""
    folder = output_root / STATE_FOLDER / APPROVED_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    target = folder / f"{run_date}.csv"
    temporary = folder / f".{run_date}.csv.partial"
    temporary.write_bytes(approved_list.read_bytes())
    temporary.chmod(OWNER_ONLY_FILE)
    os.replace(temporary, target)
    return target


def _merge_approvals(connection, output_root: Path, run_date: str) -> None:
    folder = output_root / STATE_FOLDER / APPROVED_FOLDER
    approved = sorted(
        path for path in folder.glob("????-??-??.csv") if path.stem < run_date
    ) if folder.is_dir() else []
    for path in approved:
        connection.execute(
            f"insert into raw.deletion_history select {DELETION_COLUMNS}, ?::date "
            "from read_csv(?, header = true, all_varchar = true) "
            "where subject_type in ('contact', 'booking')",
            [path.stem, str(path)],
        )
    connection.execute(
        "create or replace table raw.deletion_history as select * from raw.deletion_history "
        "qualify row_number() over (partition by subject_type, subject_id, action "
        "order by listed_since) = 1"
    )


def _load_legacy(connection, previous_run: Path) -> None:
    """A run published before the state existed: its objected/withdrawn suppressions (hashed
    now, M8) and its tombstones (M10) are carried into the new state, so no objection is lost."""
    register_hmac(connection)
    suppressions = previous_run / LEGACY_SUPPRESSION_LIST
    if suppressions.is_file():
        connection.execute(
            "insert into raw.previous_suppressions select channel, hmac_sha256(address), purpose, "
            "reason, nullif(since, '')::date from read_csv(?, header = true, all_varchar = true) "
            "where reason in ('objected', 'withdrawn')",
            [str(suppressions)],
        )
    tombstones = previous_run / LEGACY_TOMBSTONES
    if tombstones.is_file():
        connection.execute(
            "insert into raw.tombstones select channel, address_hmac, purpose, reason, "
            "nullif(since, '')::date from read_csv(?, header = true, all_varchar = true)",
            [str(tombstones)],
        )
