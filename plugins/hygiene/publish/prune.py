"""G6: the product keeps personal data no longer than it needs either.

A published night keeps its files with plain addresses, names or explain tables for the policy's
`published_run_retention` (policy choice, default 35 days). After that, only what accountability
needs stays in it (AVG art. 5(2)): the manifest (with the checksums of every file it had, and a
note of what was pruned when), the report, the deletion lists (ids), the review files (ids) and
the quality results (counts). What later nights need from history lives in the compact state
(hygiene.state), which is pruned on the same schedule except the newest snapshots.

Pruning is part of every published night and never touches the latest run, D itself or D's
previous run (a degraded night, G5, builds on the previous run's lists).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from hygiene.policy import Policy
from hygiene.publish import layout, read_manifest, write_manifest
from hygiene.publish.lists import (
    HELD_DELETION_LIST,
    REVIEW_FOLDER,
    STATE_FOLDER,
    VALIDATION_FOLDER,
)

RETENTION_KEY = "published_run_retention"
# What a pruned run keeps: accountability, never an address or a name. Anything else goes, so a
# file added to runs later is pruned unless it is added here on purpose.
KEPT = frozenset({
    layout.MANIFEST_FILE,
    "privacy_report.html",
    "privacy_report.pdf",
    "report_facts.json",
    "deletion_list.csv",
    HELD_DELETION_LIST.parts[0],
    VALIDATION_FOLDER,
    REVIEW_FOLDER,
})


def prune_published_runs(output_root: Path, run_date: str, policy: Policy) -> list[str]:
    """Prune the runs (and state snapshots) older than the policy's period before D; return the
    dates of the runs pruned now."""
    cutoff = policy.before(date.fromisoformat(run_date), RETENTION_KEY).isoformat()
    previous = layout.previous_run(output_root, run_date)
    spared = {run_date, layout.latest_date(output_root), previous.name if previous else None}
    pruned = []
    with layout.locked(output_root):
        for day in layout.published_dates(output_root):
            if day >= cutoff or day in spared:
                continue
            if _prune_run(output_root / day, run_date):
                pruned.append(day)
        _prune_state(output_root, cutoff, spared)
        layout.remove_unlinked_versions(output_root)
        layout.remove_unlinked_versions(output_root / STATE_FOLDER)
    return pruned


def _prune_run(folder: Path, run_date: str) -> bool:
    manifest = read_manifest(folder)
    if manifest.get("pruned"):
        return False
    removed = sorted(
        str(path.relative_to(folder))
        for entry in folder.iterdir()
        if entry.name not in KEPT
        for path in ([entry] if entry.is_file() else sorted(entry.rglob("*")))
        if path.is_file()
    )
    for entry in folder.iterdir():
        if entry.name in KEPT:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    manifest["pruned"] = {"on": run_date, "rule": "G6", "removed": removed}
    write_manifest(folder / layout.MANIFEST_FILE, manifest)
    return True


def _prune_state(output_root: Path, cutoff: str, spared: set[str | None]) -> None:
    """State snapshots older than the cutoff go, except those of spared runs: only the newest are
    read (the previous run's, or an older one by a backfill within the period)."""
    folder = output_root / STATE_FOLDER
    if not folder.is_dir():
        return
    for link in folder.iterdir():
        is_snapshot = link.is_symlink() and layout.RUN_FOLDER.fullmatch(link.name)
        if is_snapshot and link.name < cutoff and link.name not in spared:
            target = link.resolve()
            link.unlink()
            shutil.rmtree(target, ignore_errors=True)
