"""G2 approval: after a person reviewed D's held deletion list, make it D's `deletion_list.csv`.

The held list is copied into place atomically (a temporary file, then `os.replace`), and
`run_manifest.json` records the approval with the new checksum and row count, written last and
atomically too: a reader sees either the held run or the approved one, never half of it. The
held copy stays under `held/` as the record of what was reviewed.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hygiene.errors import HygieneError
from hygiene.landing import sha256_of
from hygiene.publish import HELD_DELETION_LIST, MANIFEST_FILE
from hygiene.runs import DELETION_LIST_FILE, PublishedRun, find_run

_OWNER_ONLY_FILE = 0o600


class ApprovalRefused(HygieneError):
    """There is nothing to approve for D, or it was approved already."""


@dataclass(frozen=True)
class Approval:
    run_date: str
    deletion_list: Path
    rows: int
    sha256: str
    approved_by: str
    approved_at: str


def approve_deletions(output_root: Path, run_date: str, approved_by: str) -> Approval:
    """Publish D's held deletion list as D's `deletion_list.csv` and record who approved it."""
    if not approved_by.strip():
        raise ApprovalRefused("Say who approves the deletion list: --by NAME.")
    run = find_run(output_root, run_date)
    _check_approvable(run)
    held = run.held_deletion_list
    target = run.folder / DELETION_LIST_FILE
    _atomic_write_bytes(target, held.read_bytes())
    rows = _data_rows(target)
    checksum = sha256_of(target)

    # The one clock reading in the package: when the approval happened is an audit fact about a
    # person's act, not an input to any decision, so a rerun of D still gives the same lists.
    approved_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = run.manifest
    outputs = manifest.setdefault("outputs", {})
    outputs.setdefault("rows", {})[DELETION_LIST_FILE] = rows
    outputs.setdefault("sha256", {})[DELETION_LIST_FILE] = checksum
    manifest["deletion_hold"] = {
        **run.deletion_hold,
        "approved": True,
        "approved_by": approved_by.strip(),
        "approved_at": approved_at,
    }
    _atomic_write_bytes(
        run.folder / MANIFEST_FILE,
        (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(),
    )
    return Approval(run.run_date, target, rows, checksum, approved_by.strip(), approved_at)


def _check_approvable(run: PublishedRun) -> None:
    hold = run.deletion_hold
    if hold.get("approved"):
        raise ApprovalRefused(
            f"The deletion list of {run.run_date} was approved already, by "
            f"{hold.get('approved_by')} at {hold.get('approved_at')}: "
            f"{run.folder / DELETION_LIST_FILE} is the approved list. Nothing was changed."
        )
    if not hold.get("held") or not run.held_deletion_list.is_file():
        raise ApprovalRefused(
            f"The deletion list of {run.run_date} was not held (G2): there is no "
            f"{run.folder / HELD_DELETION_LIST} to approve, and {DELETION_LIST_FILE} is already "
            "the day's list. Nothing was changed."
        )


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)  # without the header


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write beside `path`, flush to disk, then rename over it: readers never see half a file."""
    temporary = path.with_name(f".{path.name}.approving")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.chmod(_OWNER_ONLY_FILE)
    os.replace(temporary, path)
