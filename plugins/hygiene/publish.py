"""Publish one run's outputs atomically (CONTRACT.md "Output", G1, G4).

Files are written to `<D>.tmp` beside the published folders; only when every file is complete,
`run_manifest.json` (last), the folder is renamed to `<D>` and `latest` is pointed at the newest
published date. A failure before the rename leaves the previous lists untouched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from hygiene.errors import PublishError
from hygiene.landing import sha256_of
from hygiene.load import TOMBSTONES_FILE, connect

MANIFEST_FILE = "run_manifest.json"
LATEST = "latest"
HELD_DELETION_LIST = Path("held") / "deletion_list.csv"
# Great Expectations results and Data Docs, published with the run. They carry GX's own run
# metadata (times), so they are summarised in the manifest's `checks`, not checksummed.
VALIDATION_FOLDER = "quality"
_RUN_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
_OWNER_ONLY_FILE = 0o600
_OWNER_ONLY_DIR = 0o700


@dataclass(frozen=True)
class Output:
    file: str
    query: str  # a select over the warehouse; rows are sorted by their leading columns


SUPPRESSION_COLUMNS = "channel, address, address_sha256, purpose, reason, since"
HASHED_COLUMNS = "channel, address_sha256, purpose, reason, since"
DELETION_COLUMNS = "subject_type, subject_id, action, rule, due_date"

LISTS = (
    Output("suppression_list.csv", f"select {SUPPRESSION_COLUMNS} from marts.suppression_list"),
    Output("suppression_list_hashed.csv", f"select {HASHED_COLUMNS} from marts.suppression_list"),
    Output(
        "marketing_eligibility.csv",
        "select channel, address, purpose, basis from marts.marketing_eligibility",
    ),
    Output(str(TOMBSTONES_FILE), "select channel, address_hmac, purpose, reason, since from marts.tombstones"),
    # Internal and owner-only, not part of CONTRACT.md: what `python -m hygiene explain` reads to
    # explain a decision once the disposable warehouse is gone (rule, evidence, dates, links).
    Output(
        "explain/address_decisions.csv",
        "select channel, address, address_sha256, purpose, is_eligible, basis, reason, since, rule,"
        " evidence_type, evidence_id, latest_event_action, latest_event_on"
        " from marts.fct_address_decisions",
    ),
    Output(
        "explain/retention_deadlines.csv",
        "select subject_type, subject_id, action, rule, due_date, kept_by, is_due,"
        " is_unlinked_booking from marts.fct_retention_deadlines",
    ),
    Output(
        "explain/contacts.csv",
        "select contacts.contact_id, contacts.email, contacts.phone, dim.customer_status"
        " from staging.stg_crm__contacts as contacts"
        " inner join marts.dim_contacts as dim on contacts.contact_id = dim.contact_id",
    ),
    Output(
        # book_year: R4's book year as int_booking_deadlines counts it (invoice, else confirmation;
        # the later of the two)
        "explain/booking_links.csv",
        "select deadlines.booking_id, deadlines.contact_id, deadlines.link_method,"
        " deadlines.booked_on, deadlines.travel_ends_on,"
        " year(greatest(bookings.invoiced_on, bookings.confirmed_on)) as book_year"
        " from intermediate.int_booking_deadlines as deadlines"
        " inner join staging.stg_bookings__bookings as bookings"
        " on deadlines.booking_id = bookings.booking_id",
    ),
    Output(
        "explain/consent_events.csv",
        "select event_id, contact_id, channel, purpose, action, occurred_on, event_source,"
        " has_proof, proof_ref, consent_text_version from staging.stg_crm__consent_events",
    ),
    Output(
        "explain/retention_policy.csv",
        "select policy_key, amount, unit, rule, legal_basis from policy.retention_policy",
    ),
)
DELETION_LIST = Output("deletion_list.csv", f"select {DELETION_COLUMNS} from marts.deletion_list")


def staging_folder(output_root: Path, run_date: str) -> Path:
    return output_root / f"{run_date}.tmp"


def start_staging(output_root: Path, run_date: str) -> Path:
    """An empty staging folder for D: what an earlier failed attempt left there is discarded."""
    folder = staging_folder(output_root, run_date)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=_OWNER_ONLY_DIR)
    return folder


def previous_run(output_root: Path, run_date: str) -> Path | None:
    """The latest published run before D: the state M8, M10, G2 and the delta build on.

    Only dates before D count, so a rerun or backfill of D sees the same history (byte-identical
    reruns); a folder without a manifest was never completely published and is ignored.
    """
    if not output_root.is_dir():
        return None
    earlier = sorted(
        folder
        for folder in output_root.iterdir()
        if _RUN_FOLDER.fullmatch(folder.name)
        and folder.name < run_date
        and (folder / MANIFEST_FILE).is_file()
    )
    return earlier[-1] if earlier else None


def write_lists(
    warehouse: Path, folder: Path, previous: Path | None, *, hold_deletions: bool
) -> dict[str, int]:
    """Write every list of the run into the staging `folder`; return rows per file.

    When G2 holds the deletion list, the day's `deletion_list.csv` is written empty (nothing is
    deleted without approval) and the full list is kept under `held/` for review.
    """
    for subfolder in sorted({Path(output.file).parent for output in LISTS} - {Path(".")}):
        (folder / subfolder).mkdir(parents=True, exist_ok=True, mode=_OWNER_ONLY_DIR)
    rows: dict[str, int] = {}
    with connect(warehouse, read_only=True) as connection:
        for output in LISTS:
            rows[output.file] = _copy(connection, output.query, folder / output.file)
        rows["suppression_delta.csv"] = _write_delta(connection, folder, previous)
        if hold_deletions:
            (folder / HELD_DELETION_LIST.parent).mkdir(exist_ok=True, mode=_OWNER_ONLY_DIR)
            rows[str(HELD_DELETION_LIST)] = _copy(
                connection, DELETION_LIST.query, folder / HELD_DELETION_LIST
            )
            rows[DELETION_LIST.file] = _copy(
                connection, f"{DELETION_LIST.query} where false", folder / DELETION_LIST.file
            )
        else:
            rows[DELETION_LIST.file] = _copy(
                connection, DELETION_LIST.query, folder / DELETION_LIST.file
            )
    return rows


def _copy(connection, query: str, path: Path) -> int:
    """Write `query` sorted by all its columns as CSV; return the rows written."""
    (rows,) = connection.execute(
        f"copy ({query} order by all) to '{path}' (header, delimiter ',', quote '\"')"
    ).fetchone()
    path.chmod(_OWNER_ONLY_FILE)
    return rows


def _write_delta(connection, folder: Path, previous: Path | None) -> int:
    """`added`/`removed` rows of the hashed list against the previous published run."""
    columns = "channel, address_sha256, purpose, reason"
    current = f"select {columns} from read_csv('{folder / 'suppression_list_hashed.csv'}', all_varchar = true)"
    if previous is not None and (previous / "suppression_list_hashed.csv").is_file():
        before = f"select {columns} from read_csv('{previous / 'suppression_list_hashed.csv'}', all_varchar = true)"
    else:
        before = f"select * from ({current}) where false"  # a first run: everything is added
    query = (
        f"select 'added' as change, * from ({current} except {before}) "
        f"union all select 'removed' as change, * from ({before} except {current})"
    )
    return _copy(connection, query, folder / "suppression_delta.csv")


def file_checksums(folder: Path) -> dict[str, str]:
    """sha256 of every output of the run by relative path (not the manifest, not `quality/`)."""
    return {
        str(path.relative_to(folder)): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.name != MANIFEST_FILE
        and path.relative_to(folder).parts[0] != VALIDATION_FOLDER
    }


def finalize(folder: Path, output_root: Path, run_date: str, manifest: dict) -> Path:
    """Write the manifest last, move the run into place and point `latest` at the newest run."""
    manifest = {**manifest, "outputs": {**manifest.get("outputs", {}), "sha256": file_checksums(folder)}}
    manifest_path = folder / MANIFEST_FILE
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    manifest_path.chmod(_OWNER_ONLY_FILE)
    folder.chmod(_OWNER_ONLY_DIR)

    published = output_root / run_date
    replaced = output_root / f"{run_date}.replaced"
    if replaced.exists():
        shutil.rmtree(replaced)
    if published.exists():
        published.rename(replaced)  # a rerun of D: keep the old one until the new one is in place
    try:
        folder.rename(published)
    except OSError as error:
        if replaced.exists():
            replaced.rename(published)
        raise PublishError(f"could not move {folder} to {published}: {error}") from error
    if replaced.exists():
        shutil.rmtree(replaced)
    _point_latest(output_root)
    return published


def _point_latest(output_root: Path) -> None:
    """`latest` names the newest published date; a backfill of an older D never moves it back."""
    newest = max(
        (f.name for f in output_root.iterdir() if _RUN_FOLDER.fullmatch(f.name) and f.is_dir()),
        default=None,
    )
    if newest is None:
        return
    link = output_root / LATEST
    temporary = output_root / f".{LATEST}.new"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(newest, target_is_directory=True)
    os.replace(temporary, link)  # atomic: readers see the old or the new target, never none
