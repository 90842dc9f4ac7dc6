"""Publish one night's outputs atomically (CONTRACT.md "Output", G1, G4, G5).

An attempt writes every file into its own staging folder (hygiene.attempts); `release` writes
`run_manifest.json` last and then, holding the output folder's lock, swaps the state and the run
into place and moves `latest` (hygiene.publish.layout). A failure or a kill before the swap
leaves every published run and `latest` as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

from hygiene.errors import PublishError
from hygiene.publish import layout
from hygiene.publish.layout import (
    LATEST,
    MANIFEST_FILE,
    OWNER_ONLY_DIR,
    OWNER_ONLY_FILE,
    locked,
    previous_run,
)
from hygiene.publish.lists import (
    DELETION_LIST,
    HELD_DELETION_LIST,
    LISTS,
    STATE_FOLDER,
    VALIDATION_FOLDER,
    file_checksums,
    write_lists,
)

__all__ = [
    "DELETION_LIST",
    "HELD_DELETION_LIST",
    "LATEST",
    "LISTS",
    "MANIFEST_FILE",
    "STATE_FOLDER",
    "VALIDATION_FOLDER",
    "PublishError",
    "file_checksums",
    "last_full_run",
    "night_state",
    "previous_run",
    "read_manifest",
    "release",
    "write_lists",
    "write_manifest",
]

PUBLISHED, HELD, DEGRADED = "published", "held", "degraded"


def night_state(status: str, hold: dict) -> str:
    """A night's status as its reader knows it now: a held deletion list (G2) approved or
    rejected since says so."""
    return "approved" if hold.get("approved") else "rejected" if hold.get("rejected") else status


def write_manifest(path: Path, manifest: dict) -> None:
    """Write a manifest through a temporary file and a rename: never half a manifest."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    temporary.chmod(OWNER_ONLY_FILE)
    temporary.replace(path)


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_FILE).read_text())


def last_full_run(output_root: Path, before: str, *, explainable: bool = False) -> str | None:
    """The D of the latest published run before `before` that decided its lists: not degraded
    (G5 decides nothing), and with `explainable` not pruned either (G6 removed its explain
    tables); None without one."""
    for day in reversed([day for day in layout.published_dates(output_root) if day < before]):
        manifest = read_manifest(output_root / day)
        if manifest.get("status") != DEGRADED and not (explainable and manifest.get("pruned")):
            return day
    return None


def release(staging: Path, output_root: Path, run_date: str, manifest: dict) -> Path:
    """Manifest last, then swap D's state and run into place and point `latest` (G4).

    A degraded night (G5) never replaces a good run of D that is already published: that run's
    lists hold D's objections as well. Returns the published folder (`<root>/<D>`).
    """
    manifest = {
        **manifest,
        "outputs": {**manifest.get("outputs", {}), "sha256": file_checksums(staging)},
    }
    write_manifest(staging / MANIFEST_FILE, manifest)
    staging.chmod(OWNER_ONLY_DIR)
    published = output_root / run_date
    with locked(output_root):
        if manifest.get("status") == DEGRADED and _is_good_run(published):
            raise PublishError(
                f"{published} is already a complete run of {run_date}: the degraded update is "
                "not published over it (its lists hold the day's objections already)."
            )
        state = staging / STATE_FOLDER
        if state.is_dir():
            (output_root / STATE_FOLDER).mkdir(exist_ok=True, mode=OWNER_ONLY_DIR)
            layout.swap_in(state, output_root / STATE_FOLDER / run_date)
        try:
            layout.swap_in(staging, published)
        except OSError as error:
            raise PublishError(f"could not publish {staging} as {published}: {error}") from error
        layout.point_latest(output_root)
    return published


def _is_good_run(folder: Path) -> bool:
    if not (folder / MANIFEST_FILE).is_file():
        return False
    return read_manifest(folder).get("status", PUBLISHED) != DEGRADED
