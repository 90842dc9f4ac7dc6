"""The landing folder of one night: is it complete, and are its files the ones announced?"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from hygiene.errors import ExtractError
from hygiene.extracts import EXTRACTS, MANIFEST_FILE, READY_FILE

_CHUNK = 1 << 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandedFile:
    file_name: str
    sha256: str
    announced_rows: int | None  # from extract_manifest.json, when the source sent one


def landing_folder(landing_root: Path, run_date: str) -> Path:
    return landing_root / run_date


def is_ready(folder: Path) -> bool:
    """The source system writes `_READY` last: before it exists the folder may be half-written."""
    return (folder / READY_FILE).is_file()


def is_ready_or_say_so(folder: Path, every: timedelta, at_most: timedelta) -> bool:
    """is_ready, and when it is not, a warning the data team sees (`make run` shows it): what
    the night waits for, how often it looks and for how long."""
    if is_ready(folder):
        return True
    log.warning(
        "wait_for_extracts: no %s in %s yet (the source systems write it last, once every "
        "extract is there); looking again every %d minutes, for at most %g hours in all",
        READY_FILE, folder, every.total_seconds() // 60, at_most.total_seconds() / 3600,
    )
    return False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_each(paths: Sequence[Path]) -> dict[Path, str]:
    """sha256 of each file, a file per core at a time: hashlib lets go of the GIL while it
    hashes, so threads use the cores (1.2 GB of a night's outputs, from the page cache: 0.78 s
    one after another, 0.44 s on two cores; bench/results.md)."""
    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        return dict(zip(paths, pool.map(sha256_of, paths), strict=True))


def verify_landing(folder: Path) -> list[LandedFile]:
    """Checksum every extract and compare with `extract_manifest.json` when there is one.

    Raises ExtractError when a required extract is missing or a file differs from what the
    manifest announced (a truncated or replaced file must never be loaded, G1).
    """
    if not is_ready(folder):
        raise ExtractError(f"{folder}: {READY_FILE} is missing; the extracts are not complete yet.")
    announced = _read_manifest(folder)
    checksums = sha256_of_each(
        [folder / e.file_name for e in EXTRACTS if (folder / e.file_name).is_file()]
    )
    landed: list[LandedFile] = []
    problems: list[str] = []
    for extract in EXTRACTS:
        path = folder / extract.file_name
        if path not in checksums:
            if extract.file_name in announced:
                problems.append(
                    f"{extract.file_name}: {MANIFEST_FILE} announces it, but it is not in {folder}; "
                    "the delivery is incomplete: ask the source system to deliver it (then rerun D)."
                )
            elif not extract.optional_file:
                problems.append(
                    f"{extract.file_name}: required extract is missing from {folder}; ask the "
                    "source system to deliver it (then rerun D)."
                )
            continue
        checksum = checksums[path]
        expected = announced.get(extract.file_name, {})
        if expected.get("sha256") and expected["sha256"].lower() != checksum:
            announced_rows = expected.get("rows")
            rows = (
                f": {announced_rows:,} rows announced, {count_rows(path):,} found"
                if isinstance(announced_rows, int) else ""
            )
            problems.append(
                f"{extract.file_name}: sha256 differs from {MANIFEST_FILE}{rows} (the file was "
                "truncated or replaced after the manifest was written); ask the source system "
                "to export it again."
            )
        landed.append(LandedFile(extract.file_name, checksum, expected.get("rows")))
    if problems:
        raise ExtractError("\n".join(problems))
    return landed


def count_rows(path: Path) -> int:
    """Data rows of a CSV extract as a reader sees them (quoted line breaks stay in their row)."""
    import duckdb

    from hygiene.csv_text import read_header

    delimiter, _ = read_header(path)
    with duckdb.connect() as connection:
        (rows,) = connection.execute(
            "select count(*) from read_csv(?, header = true, all_varchar = true, delim = ?, "
            "quote = '\"', escape = '\"', ignore_errors = true, null_padding = true, "
            "strict_mode = false)",
            [str(path), delimiter],
        ).fetchone()
    return rows


def _read_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST_FILE
    if not path.is_file():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8-sig"))["files"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ExtractError(
            f"{path}: not a valid manifest ({error}); expected "
            '{"files": {"bookings.csv": {"rows": 123, "sha256": "…"}}}.'
        ) from error
    if not isinstance(files, dict):
        raise ExtractError(f"{path}: \"files\" must be an object keyed by file name.")
    return files
