"""The output folder (`$HYGIENE_OUTPUT_DIR`) as its readers see it, and the one way it changes.

    2026-11-28 -> .versions/2026-11-28~5f0c2a9e1b   one link per published D: a complete folder
    latest     -> 2026-11-28                        the newest published D (what the mail tool reads)
    state/2026-11-28 -> .versions/2026-11-28~…      the compact state after D (hygiene.state)
    .staging/                                       attempts in progress (hygiene.attempts)
    .lock                                           held while links change

A folder is written in full, manifest last, before a link names it, and `os.replace` swaps a link
in one step: a reader (or a run killed at any moment) sees the old version or the new one, never
half of either and never none. Links are relative, so the folder can be mounted anywhere.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUN_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
LATEST = "latest"
VERSIONS = ".versions"
LOCK_FILE = ".lock"
MANIFEST_FILE = "run_manifest.json"
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700
# How the internal tables (explain, state) are written: zstd at its fastest level, which wrote the
# explain tables of 1,000,000 contacts in 5.0-5.2 s against 5.2-6.0 s at DuckDB's default level,
# and 3% smaller (docs/decisions.md, 73).
PARQUET_OPTIONS = "format parquet, compression zstd, compression_level 1"


def write_owner_only(path: Path, data: bytes) -> None:
    """Write an owner-only file whole: beside `path`, flushed to disk, then renamed over it, so
    that a reader (or a crash) never sees half of it."""
    temporary = path.with_name(f".{path.name}.partial")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.chmod(OWNER_ONLY_FILE)
    os.replace(temporary, path)


@contextmanager
def locked(output_root: Path) -> Iterator[None]:
    """Hold the output folder's lock: two runs (or an approval beside a run) never interleave
    their changes of links. The kernel releases it when a holder is killed."""
    output_root.mkdir(parents=True, exist_ok=True)
    with open(output_root / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def swap_in(complete: Path, link: Path) -> Path:
    """Make `link` name the complete folder `complete`, atomically; return its new place.

    The folder moves into `.versions/` beside the link (same file system: a rename), the link is
    replaced in one step, and only then is the version it named before removed. Call it while
    holding `locked`.
    """
    versions = link.parent / VERSIONS
    versions.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    version = versions / f"{link.name}~{secrets.token_hex(5)}"
    complete.rename(version)
    before = _adopt_plain_folder(link)
    temporary = link.with_name(f".{link.name}.{secrets.token_hex(4)}.link")
    temporary.symlink_to(version.relative_to(link.parent), target_is_directory=True)
    os.replace(temporary, link)
    if before is not None and before != version:
        shutil.rmtree(before, ignore_errors=True)
    return version


def _adopt_plain_folder(link: Path) -> Path | None:
    """The version `link` names now; a plain folder (published before versions existed) is moved
    into `.versions/` first, so that it can be swapped like any other."""
    if link.is_symlink():
        return link.resolve()
    if not link.exists():
        return None
    adopted = link.parent / VERSIONS / f"{link.name}~adopted"
    link.rename(adopted)
    link.symlink_to(adopted.relative_to(link.parent), target_is_directory=True)
    return adopted


def remove_unlinked_versions(folder: Path) -> list[Path]:
    """Versions no link names: left by a run killed between moving a folder in and swapping its
    link. Call it while holding `locked`, so that no swap is half done."""
    versions = folder / VERSIONS
    if not versions.is_dir():
        return []
    linked = {entry.resolve() for entry in folder.iterdir() if entry.is_symlink()}
    removed = [version for version in versions.iterdir() if version.resolve() not in linked]
    for version in removed:
        shutil.rmtree(version, ignore_errors=True)
    return removed


def published_dates(output_root: Path) -> list[str]:
    """Every D with a completely published run (its manifest is written last), oldest first."""
    if not output_root.is_dir():
        return []
    return sorted(
        entry.name
        for entry in output_root.iterdir()
        if RUN_FOLDER.fullmatch(entry.name) and (entry / MANIFEST_FILE).is_file()
    )


def previous_run(output_root: Path, run_date: str) -> Path | None:
    """The latest published run before D: what the delta and a degraded night build on.

    Only dates before D count, so a rerun or backfill of D sees the same history (byte-identical
    reruns).
    """
    earlier = [day for day in published_dates(output_root) if day < run_date]
    return output_root / earlier[-1] if earlier else None


def point_latest(output_root: Path) -> None:
    """`latest` names the newest published D; a backfill of an older D never moves it back."""
    dates = published_dates(output_root)
    if not dates:
        return
    temporary = output_root / f".{LATEST}.{secrets.token_hex(4)}.link"
    temporary.symlink_to(dates[-1], target_is_directory=True)
    os.replace(temporary, output_root / LATEST)


def latest_date(output_root: Path) -> str | None:
    link = output_root / LATEST
    return os.readlink(link) if link.is_symlink() else None
