"""Which files of a published run the UI may serve, and the runs it lists: plain functions over
the output folder, testable without Airflow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hygiene.publish import PUBLISHED, layout, night_state, read_manifest
from hygiene.publish.lists import VALIDATION_FOLDER

# What a logged-in viewer may read: counts only, never an address or an id (hygiene.report).
SERVED = ("privacy_report.html", "privacy_report.pdf")
SERVED_FOLDERS = {VALIDATION_FOLDER: ".html"}


@dataclass(frozen=True)
class PublishedNight:
    run_date: str
    state: str  # published, held, degraded; approved or rejected (publish.night_state)
    is_latest: bool
    files: tuple[str, ...]  # served files that exist, relative to the run
    approved_by: str | None
    pruned: bool


def published_nights(output_root: Path) -> list[PublishedNight]:
    """The published runs, newest first, with the files the UI may show of each."""
    latest = layout.latest_date(output_root)
    nights = []
    for day in reversed(layout.published_dates(output_root)):
        folder = output_root / day
        manifest = read_manifest(folder)
        hold = manifest.get("deletion_hold") or {}
        nights.append(PublishedNight(
            run_date=day,
            state=night_state(manifest.get("status", PUBLISHED), hold),
            is_latest=day == latest,
            files=tuple(served_files(folder)),
            approved_by=hold.get("approved_by"),
            pruned=bool(manifest.get("pruned")),
        ))
    return nights


def served_files(folder: Path) -> list[str]:
    files = [name for name in SERVED if (folder / name).is_file()]
    for subfolder, suffix in SERVED_FOLDERS.items():
        files += sorted(
            f"{subfolder}/{path.name}" for path in (folder / subfolder).glob(f"*{suffix}")
        )
    return files


def servable(output_root: Path, run_date: str, relative: str) -> Path | None:
    """The file `relative` of D's published run when the UI may serve it, else None: a name on
    the allow-list, inside the run (no `..`, no link out of it)."""
    if not layout.RUN_FOLDER.fullmatch(run_date) or relative not in served_files(output_root / run_date):
        return None
    path = (output_root / run_date / relative).resolve()
    if not path.is_relative_to((output_root / run_date).resolve()):
        return None
    return path
