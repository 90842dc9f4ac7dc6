"""The lists of one night, written from the warehouse into the attempt's staging folder
(CONTRACT.md "Output"): every file sorted by its leading columns, owner-only, byte-identical for
the same inputs."""

from __future__ import annotations

from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hygiene.duckdb_settings import use_amsterdam_time
from hygiene.landing import sha256_of_each
from hygiene.load import connect
from hygiene.publish.layout import MANIFEST_FILE, OWNER_ONLY_DIR, OWNER_ONLY_FILE, PARQUET_OPTIONS
from hygiene.sql_text import string_literal

HELD_DELETION_LIST = Path("held") / "deletion_list.csv"
# Great Expectations results, published with the run. They carry GX's own run metadata (times),
# so they are summarised in the manifest's `checks`, not checksummed.
VALIDATION_FOLDER = "quality"
# The compact state after D (hygiene.state), staged here and moved out to `state/<D>` when the
# run is published: it is no part of the run folder.
STATE_FOLDER = "state"
# Files written at a time. Most of writing a CSV is one thread handing its bytes to the kernel,
# which, on a virtual machine that gives freed memory back to its host, waits for every new page
# of the page cache; a second file meanwhile keeps the other core sorting or compressing
# (docs/decisions.md, 74).
WRITERS = 2


@dataclass(frozen=True)
class Output:
    file: str
    query: str  # a select over the warehouse; rows are sorted by their leading columns
    # How the query's rows are brought into that order: `all` sorts by every column. A cheaper
    # key may say the same: an integer place in the order of a unique leading column
    # (docs/decisions.md, 70). None: the rows come in that order as the table stores them
    # (fct_address_decisions is stored sorted by its key, and its two halves keep that order,
    # decision 63), and are copied as they are (DuckDB keeps the order it reads in:
    # `preserve_insertion_order`), not sorted again.
    order_by: str | None = "all"


SUPPRESSION_COLUMNS = "channel, address, address_sha256, purpose, reason, since"
HASHED_COLUMNS = "channel, address_sha256, purpose, reason, since"
DELETION_COLUMNS = "subject_type, subject_id, action, rule, due_date"
ELIGIBILITY_COLUMNS = "channel, address, purpose, basis"

SUPPRESSION_TABLE = "marts.suppression_list"
SUPPRESSION_LIST = Output(
    "suppression_list.csv", f"select {SUPPRESSION_COLUMNS} from {SUPPRESSION_TABLE}",
    order_by=None,
)
ELIGIBILITY_LIST = Output(
    "marketing_eligibility.csv", f"select {ELIGIBILITY_COLUMNS} from marts.marketing_eligibility",
    order_by=None,
)
DELETION_LIST = Output("deletion_list.csv", f"select {DELETION_COLUMNS} from marts.deletion_list")
HASHED_LIST = "suppression_list_hashed.csv"
DELTA_LIST = "suppression_delta.csv"

LISTS = (
    SUPPRESSION_LIST,
    ELIGIBILITY_LIST,
    # Internal and owner-only, not part of CONTRACT.md: what `hygiene explain` reads to explain a
    # decision once the disposable warehouse is gone (rule, evidence, dates, links); Parquet.
    # Without `address_sha256` (only suppression_list computes it): explain finds an address by
    # itself, and the 64 random hex characters were two thirds of this file.
    Output(
        "explain/address_decisions.parquet",
        "select channel, address, purpose, is_eligible, basis, reason, since, rule,"
        " evidence_type, evidence_id, latest_event_action, latest_event_on"
        " from marts.fct_address_decisions",
        order_by=None,
    ),
    Output(
        "explain/retention_deadlines.parquet",
        "select subject_type, subject_id, action, rule, due_date, kept_by, is_due,"
        " is_unlinked_booking from marts.fct_retention_deadlines",
    ),
    Output(
        "explain/contacts.parquet",
        "select contacts.contact_id, contacts.email, contacts.phone, dim.customer_status"
        " from staging.stg_crm__contacts as contacts"
        " inner join marts.dim_contacts as dim on contacts.contact_id = dim.contact_id",
    ),
    Output(
        # book_year: R4's book year as int_booking_deadlines counts it (invoice, else confirmation;
        # the later of the two)
        "explain/booking_links.parquet",
        "select deadlines.booking_id, deadlines.contact_id, deadlines.link_method,"
        " deadlines.booked_on, deadlines.travel_ends_on,"
        " year(greatest(bookings.invoiced_on, bookings.confirmed_on)) as book_year"
        " from intermediate.int_booking_deadlines as deadlines"
        " inner join staging.stg_bookings__bookings as bookings"
        " on deadlines.booking_id = bookings.booking_id",
    ),
    Output(
        "explain/consent_events.parquet",
        "select event_id, contact_id, channel, purpose, action, occurred_on, event_source,"
        " has_proof, proof_ref, consent_text_version from staging.stg_crm__consent_events",
        # each event's place in the order of the (unique) ids: the order of `all`, by an integer
        order_by="event_rank",
    ),
    Output(
        "explain/retention_policy.parquet",
        "select policy_key, amount, unit, rule, legal_basis from policy.retention_policy",
    ),
)


# Owner-only files of ids a person works through, beside the report that shows their counts only:
# G3's overdue deletions, and M4's grants without proof (which proof is missing).
REVIEW_FOLDER = "review"
OVERDUE_REVIEW = Output(
    f"{REVIEW_FOLDER}/overdue_deletions.csv",
    "select status, subject_type, subject_id, action, rule, due_date, listed_since, days_overdue,"
    " kept_by from marts.overdue_deletions",
)
UNPROVEN_REVIEW = Output(
    f"{REVIEW_FOLDER}/unproven_grants.csv",
    "select event_id, contact_id, channel, purpose, occurred_on, event_source,"
    " consent_text_version, proof_ref is null as lacks_proof_ref,"
    " consent_text_version is null as lacks_text_version"
    " from staging.stg_crm__consent_events where action = 'grant' and not has_proof",
)
REVIEW_FILES = (OVERDUE_REVIEW, UNPROVEN_REVIEW)


def write_lists(
    warehouse: Path, folder: Path, previous: Path | None, *, hold_deletions: bool
) -> dict[str, int]:
    """Write every list of the run into the staging `folder`; return rows per file.

    When G2 holds the deletion list, the day's `deletion_list.csv` is written empty (nothing is
    deleted without approval) and the full list is kept under `held/` for review.
    """
    deletions = (
        Output(str(HELD_DELETION_LIST), DELETION_LIST.query) if hold_deletions else DELETION_LIST
    )
    outputs = (*LISTS, deletions)
    make_subfolders(folder, [output.file for output in outputs])

    def hashed_and_delta(cursor) -> dict[str, int]:
        return write_hashed_and_delta(cursor, folder, previous, SUPPRESSION_TABLE)

    def write_one(output: Output):
        return lambda cursor: {output.file: copy_query(
            cursor, output.query, folder / output.file, order_by=output.order_by
        )}

    with connect(warehouse, read_only=True) as connection:
        # the hashed list and the delta copied from it, the longest, first; then LISTS in order
        rows = write_concurrently(connection, [hashed_and_delta, *map(write_one, outputs)])
        if hold_deletions:
            rows[DELETION_LIST.file] = write_empty_deletion_list(connection, folder)
    return rows


def write_concurrently(connection, writes) -> dict[str, int]:
    """Run each write (a function of a cursor that returns rows per file) on a cursor of its own,
    WRITERS at a time, starting them in the order given; return rows per file.

    A write's error is raised once the writes already running end, and those not yet started
    are not. When the task itself is stopped (Airflow's SIGTERM, Ctrl-C), the running queries
    are interrupted too. Each file's bytes are its own query's, so they are the same in any
    order (docs/decisions.md, 74)."""
    running: set[duckdb.DuckDBPyConnection] = set()  # the cursors a stopped task interrupts

    def on_own_cursor(write):
        with connection.cursor() as cursor:
            running.add(cursor)
            try:
                use_amsterdam_time(cursor)
                return write(cursor)
            finally:
                running.discard(cursor)

    with ThreadPoolExecutor(WRITERS) as pool:
        started = [pool.submit(on_own_cursor, write) for write in writes]
        try:
            # a failed write fails the night now, not after every file still waiting
            wait(started, return_when=FIRST_EXCEPTION)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            for cursor in list(running):
                with suppress(duckdb.Error):  # it may have ended meanwhile
                    cursor.interrupt()
            raise
        pool.shutdown(cancel_futures=True)
    return {file: rows for write in started for file, rows in write.result().items()}


def write_empty_deletion_list(connection, folder: Path) -> int:
    """A deletion list with its header and no row: nothing is to be deleted today."""
    columns = ", ".join(f"null::varchar as {name}" for name in DELETION_COLUMNS.split(", "))
    return copy_query(connection, f"select {columns} where false", folder / DELETION_LIST.file)


def make_subfolders(folder: Path, files: list[str]) -> None:
    for subfolder in sorted({Path(file).parent for file in files} - {Path(".")}):
        (folder / subfolder).mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)


def copy_query(connection, query: str, path: Path, *, order_by: str | None = "all") -> int:
    """Write `query` as CSV (a `.parquet` path: compressed Parquet, for the internal tables),
    sorted by its leading columns; return the rows written. `order_by` as Output's: `all`, a key
    that sorts as all the columns do, or None where the query's rows come sorted already and are
    written in the order they come."""
    options = (
        PARQUET_OPTIONS if path.suffix == ".parquet"
        else "header, delimiter ',', quote '\"'"
    )
    sorted_query = f"{query} order by {order_by}" if order_by else query
    (rows,) = connection.execute(
        f"copy ({sorted_query}) to {string_literal(str(path))} ({options})"
    ).fetchone()
    path.chmod(OWNER_ONLY_FILE)
    return rows


def write_hashed_and_delta(
    connection, folder: Path, previous: Path | None, suppressions: str
) -> dict[str, int]:
    """`suppression_list_hashed.csv`, the plain list's rows without the address, and the
    `added`/`removed` rows of it against the previous published run (`suppression_delta.csv`).

    `suppressions` is what the plain list was written from: the warehouse's table on a night,
    the staged plain list (`staged_suppression_list`) where no table holds it."""
    hashed = folder / HASHED_LIST
    rows = {HASHED_LIST: copy_query(connection, f"select {HASHED_COLUMNS} from {suppressions}",
                                    hashed)}
    columns = "channel, address_sha256, purpose, reason"
    if previous is not None and (previous / HASHED_LIST).is_file():
        current = f"select {columns} from {suppressions}"
        before = f"select {columns} from {read_text_csv(previous / HASHED_LIST)}"
        query = (
            f"select 'added' as change, * from ({current} except {before}) "
            f"union all select 'removed' as change, * from ({before} except {current})"
        )
        rows[DELTA_LIST] = copy_query(connection, query, folder / DELTA_LIST)
    else:
        # A first run: every suppression is added. The hashed list just written holds them in
        # the delta's order (its leading columns are the delta's key, listed once each), so they
        # are copied from it as written, not sorted again (docs/decisions.md, 66).
        query = f"select 'added' as change, {columns} from {read_text_csv(hashed)}"
        rows[DELTA_LIST] = copy_query(connection, query, folder / DELTA_LIST, order_by=None)
    return rows


def staged_suppression_list(folder: Path) -> str:
    """The plain list staged in `folder`, as a relation to select from."""
    return read_text_csv(folder / SUPPRESSION_LIST.file)


def read_text_csv(path: Path) -> str:
    """A published CSV as a relation of text columns, as it was written."""
    return f"read_csv({string_literal(str(path))}, all_varchar = true)"


def file_checksums(folder: Path) -> dict[str, str]:
    """sha256 of every output of the run by relative path (not the manifest, not `quality/`)."""
    outputs = [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.name != MANIFEST_FILE
        and path.relative_to(folder).parts[0] not in (VALIDATION_FOLDER, STATE_FOLDER)
    ]
    return {str(path.relative_to(folder)): checksum
            for path, checksum in sha256_of_each(outputs).items()}
