"""G5: a broken night still honours its objections.

When D's extracts fail validation (G1) or the run fails after loading, the run publishes a
*degraded* D before it fails, so that an objection reaches the mail tool the night it arrives
(Telecommunicatiewet art. 11.7, AVG art. 21(3): at once), while a person repairs the export:

- the suppression list: the previous published one, plus every `withdraw`/`object` still
  readable from D's consent events and every mail-tool unsubscribe (M7) with a valid address,
  dated on or before D. A contact's stop reaches its CRM addresses and the booker addresses of
  its bookings (M6), through D's extracts where they read, and through the previous run's
  contacts as well (a stop is never lost because the CRM export broke);
- the eligibility list: the previous one without the addresses now stopped;
- an empty deletion list (nothing is deleted on a broken night), the hashed list, the delta and
  the mail-tool exports, the report, and `run_manifest.json` with `"status": "degraded"` and why;
- the state after D: the previous state plus the new stops (M8), so the next good night carries
  on from it.

A degraded list never removes a suppression and never adds an eligibility. Reading is tolerant:
each extract is read as text, a row that cannot be read is skipped (and counted), and nothing is
taken from the parts that are not needed. Where nothing can be read at all (no `_READY`, no
consent events and no unsubscribes), nothing is published and the previous `latest` stays.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hygiene import landing, publish, state
from hygiene.attempts import Attempt
from hygiene.csv_text import extract_encoding, read_header, readable_utf8
from hygiene.duckdb_settings import use_amsterdam_time
from hygiene.errors import ExtractError
from hygiene.exports.write import write_mail_tool_exports
from hygiene.extracts import (
    BOOKINGS,
    CONSENT_EVENTS,
    CRM_CONTACTS,
    EVENT_CHANNELS,
    EVENT_PURPOSES,
    MAILTOOL_UNSUBSCRIBES,
    UNSUBSCRIBE_PURPOSES,
    Kind,
)
from hygiene.keyed_hash import register_hmac
from hygiene.load import parse_sql
from hygiene.publish import DEGRADED, layout
from hygiene.publish.lists import (
    ELIGIBILITY_COLUMNS,
    ELIGIBILITY_LIST,
    SUPPRESSION_COLUMNS,
    SUPPRESSION_LIST,
    copy_query,
    staged_suppression_list,
    write_empty_deletion_list,
    write_hashed_and_delta,
)
from hygiene.sql_macros import amsterdam_date_sql, normalize_sql, sha256_hex_sql
from hygiene.state.snapshot import TABLES, write_runs

CHANNELS = tuple(channel for channel in EVENT_CHANNELS if channel != "all")
PURPOSES = UNSUBSCRIBE_PURPOSES
# What a degraded night reads of each extract, only what a stop needs: (columns without which
# the file is of no use, columns read where present).
NEEDED = {
    CONSENT_EVENTS.file_name: (("contact_id", "channel", "purpose", "action", "occurred_at"), ()),
    MAILTOOL_UNSUBSCRIBES.file_name: (("email", "unsubscribed_at"), ("purpose",)),
    CRM_CONTACTS.file_name: (("contact_id",), ("email", "phone")),
    BOOKINGS.file_name: (("contact_id",), ("booker_email", "booker_phone")),
}
# The previous run's contacts; a run published before the explain tables were Parquet has CSV.
PREVIOUS_CONTACTS = (Path("explain") / "contacts.parquet", Path("explain") / "contacts.csv")


@dataclass
class Reading:
    """What could be read of D's extracts: rows per file, or why a file could not be used
    (`problem`: missing, not_readable, columns_missing or unreadable_csv, with its details; the
    report says it in words)."""

    rows: dict[str, int] = field(default_factory=dict)
    unusable: dict[str, dict] = field(default_factory=dict)

    @property
    def has_stops_to_read(self) -> bool:
        return any(name in self.rows for name in (CONSENT_EVENTS.file_name,
                                                   MAILTOOL_UNSUBSCRIBES.file_name))

    def as_dict(self) -> dict:
        return {"rows": self.rows, "unusable": self.unusable}


def publish_degraded(attempt: Attempt, failure: dict) -> Path | None:
    """Publish the degraded D of G5 (see the module docstring); None when nothing could be read.

    `failure` names the failed task and why (`{"task": …, "message": …}`), for the manifest and
    the report.
    """
    settings, run_date = attempt.settings, attempt.run_date
    folder = settings.landing(run_date)
    if not landing.is_ready(folder):
        return None
    shutil.rmtree(attempt.staging, ignore_errors=True)
    attempt.staging.mkdir(parents=True, mode=layout.OWNER_ONLY_DIR)
    previous = layout.previous_run(settings.output_root, run_date)
    with duckdb.connect() as connection:
        use_amsterdam_time(connection)
        reading = _read_extracts(connection, folder, attempt.staging / ".text")
        if not reading.has_stops_to_read:
            shutil.rmtree(attempt.staging, ignore_errors=True)
            return None
        _previous_lists(connection, previous)
        new_stops = _new_stops(connection, run_date)
        rows = _write_lists(connection, attempt.staging, previous)
        state_rows = _stage_state(connection, attempt, previous, rows)
    shutil.rmtree(attempt.staging / ".text", ignore_errors=True)
    rows.update(write_mail_tool_exports(attempt.staging))
    manifest = _manifest(attempt, folder, failure, reading, new_stops, rows, state_rows, previous)
    from hygiene.nightly import code_version

    manifest = {"run_date": run_date, "code_version": code_version(), **manifest}
    _write_report(attempt, manifest, previous)
    return publish.release(attempt.staging, settings.output_root, run_date, manifest)


# ------------------------------------------------------------------------------------- reading


def _read_extracts(connection, folder: Path, scratch: Path) -> Reading:
    """Each extract D's stops need, as an all-text table `landed_<name>` of its readable rows
    (an absent optional column is null; an unusable file leaves its table empty)."""
    reading = Reading()
    encoding = extract_encoding()
    for file_name, (required, optional) in NEEDED.items():
        table = f"landed_{Path(file_name).stem}"
        columns = (*required, *optional)
        connection.execute(f"create table {table} ({', '.join(f'{c} varchar' for c in columns)})")
        path = folder / file_name
        if not path.is_file():
            reading.unusable[file_name] = {"problem": "missing"}
            continue
        try:
            text = readable_utf8(path, encoding, scratch, lenient=True)
        except ExtractError:
            reading.unusable[file_name] = {"problem": "not_readable", "encoding": encoding}
            continue
        delimiter, header = read_header(text)
        missing = [column for column in required if column not in header]
        if missing:
            reading.unusable[file_name] = {"problem": "columns_missing", "columns": missing}
            continue
        select = ", ".join(f'"{c}"' if c in header else f"null as {c}" for c in columns)
        try:
            connection.execute(
                f"insert into {table} select {select} from read_csv(?, header = true, "
                "all_varchar = true, delim = ?, quote = '\"', escape = '\"', "
                "ignore_errors = true, null_padding = true, strict_mode = false)",
                [str(text), delimiter],
            )
        except duckdb.Error:
            reading.unusable[file_name] = {"problem": "unreadable_csv"}
            continue
        reading.rows[file_name] = connection.execute(f"select count(*) from {table}").fetchone()[0]
    return reading


def _previous_lists(connection, previous: Path | None) -> None:
    """`previous_suppressions`, `previous_eligibility` and `previous_contacts`: the previous
    published run's lists and (while it keeps them, G6) its contacts' addresses."""
    sources = {
        "previous_suppressions": ((SUPPRESSION_LIST.file,), SUPPRESSION_COLUMNS),
        "previous_eligibility": ((ELIGIBILITY_LIST.file,), ELIGIBILITY_COLUMNS),
        "previous_contacts": (PREVIOUS_CONTACTS, "contact_id, email, phone"),
    }
    for table, (files, columns) in sources.items():
        found = [previous / file for file in files if previous is not None]
        path = next((candidate for candidate in found if candidate.is_file()), None)
        if path is not None:
            reader = ("read_parquet(?)" if path.suffix == ".parquet"
                      else "read_csv(?, header = true, all_varchar = true)")
            connection.execute(
                f"create table {table} as select {columns} from {reader}", [str(path)]
            )
        else:
            typed = ", ".join(f"{column} varchar" for column in columns.split(", "))
            connection.execute(f"create table {table} ({typed})")


# ------------------------------------------------------------------------------------- deciding


def _new_stops(connection, run_date: str) -> int:
    """`new_stops`: (channel, address, purpose, reason, since), the latest readable stop of each
    address on or before D (`object` wins a tie, M5); returns how many."""
    email, phone = normalize_sql("email", "email"), normalize_sql("sms", "phone")
    booker_email, booker_phone = (
        normalize_sql("email", "booker_email"), normalize_sql("sms", "booker_phone")
    )
    occurred_on = amsterdam_date_sql(parse_sql(Kind.TIMESTAMP, "trim(occurred_at)"))
    unsubscribed_on = amsterdam_date_sql(parse_sql(Kind.TIMESTAMP, "trim(unsubscribed_at)"))
    connection.execute(f"""
        create table new_stops as
        with person_addresses as (
            -- D's CRM, the previous run's contacts, and (M6) the bookers of D's bookings
            select distinct * from (
                select trim(contact_id) as contact_id, 'email' as channel, {email} as address
                from landed_crm_contacts
                union all
                select trim(contact_id), 'sms', {phone} from landed_crm_contacts
                union all
                select trim(contact_id), 'email', {email} from previous_contacts
                union all
                select trim(contact_id), 'sms', {phone} from previous_contacts
                union all
                select trim(contact_id), 'email', {booker_email} from landed_bookings
                union all
                select trim(contact_id), 'sms', {booker_phone} from landed_bookings
            )
            where contact_id is not null and address is not null
        ),
        events as (
            select
                trim(contact_id) as contact_id,
                lower(trim(channel)) as channel,
                lower(trim(purpose)) as purpose,
                lower(trim(action)) as action,
                {occurred_on} as stop_on,
            from landed_consent_events
        ),
        event_stops as (
            select person_addresses.channel, person_addresses.address, events.purpose,
                events.action, events.stop_on
            from events
            inner join person_addresses
                on events.contact_id = person_addresses.contact_id
                and events.channel in (person_addresses.channel, 'all')
            where events.action in ('withdraw', 'object')
                and events.stop_on <= ?::date
                and events.channel in {EVENT_CHANNELS}
                and events.purpose in {EVENT_PURPOSES}
        ),
        unsubscribe_stops as (
            select 'email' as channel, {email} as address,
                coalesce(nullif(lower(trim(purpose)), ''), 'all') as purpose,
                'object' as action, {unsubscribed_on} as stop_on
            from landed_mailtool_unsubscribes
        ),
        stops as (
            select * from event_stops
            union all
            select * from unsubscribe_stops
            where address is not null and stop_on <= ?::date
                and purpose in {(*PURPOSES, 'all')}
        ),
        per_purpose as (
            select channel, address, unnest(
                case when purpose = 'all' then {list(PURPOSES)} else [purpose] end
            ) as purpose, action, stop_on
            from stops
        )
        select
            channel, address, purpose,
            case action when 'object' then 'objected' else 'withdrawn' end as reason,
            stop_on as since,
        from per_purpose
        qualify row_number() over (
            partition by channel, address, purpose order by stop_on desc, action = 'object' desc
        ) = 1
    """, [run_date, run_date])
    return connection.execute("select count(*) from new_stops").fetchone()[0]


def _write_lists(connection, folder: Path, previous: Path | None) -> dict[str, int]:
    """The degraded lists: never a suppression less, never an eligibility more."""
    suppression = f"""
        with previous as (
            select channel, address, address_sha256, purpose, reason,
                nullif(since, '')::date as since
            from previous_suppressions
        ),
        merged as (
            select
                channel, address, purpose,
                previous.address_sha256,
                -- the new stop decides unless the list already holds a stop at least as late
                new_stops.address is not null and (
                    previous.reason is null
                    or previous.reason not in ('objected', 'withdrawn')
                    or new_stops.since > previous.since
                    or (new_stops.since = previous.since and new_stops.reason = 'objected')
                ) as is_decided_by_new_stop,
                previous.reason as previous_reason, previous.since as previous_since,
                new_stops.reason as new_reason, new_stops.since as new_since,
            from previous
            full outer join new_stops using (channel, address, purpose)
        )
        select
            channel, address,
            coalesce(address_sha256, {sha256_hex_sql("address")})
                as address_sha256,
            purpose,
            case when is_decided_by_new_stop then new_reason else previous_reason end as reason,
            case when is_decided_by_new_stop then new_since else previous_since end as since,
        from merged
    """
    eligibility = f"""
        select {ELIGIBILITY_COLUMNS} from previous_eligibility
        anti join new_stops using (channel, address, purpose)
    """
    rows = {
        SUPPRESSION_LIST.file: copy_query(connection, suppression, folder / SUPPRESSION_LIST.file),
        ELIGIBILITY_LIST.file: copy_query(connection, eligibility, folder / ELIGIBILITY_LIST.file),
        publish.DELETION_LIST.file: write_empty_deletion_list(connection, folder),
    }
    rows.update(write_hashed_and_delta(
        connection, folder, previous, staged_suppression_list(folder)
    ))
    return rows


def _stage_state(connection, attempt: Attempt, previous: Path | None, rows: dict) -> dict:
    """The previous state plus the new stops as remembered stops (M8), by keyed hash."""
    folder = attempt.staging / publish.STATE_FOLDER
    folder.mkdir(mode=layout.OWNER_ONLY_DIR)
    snapshot = (
        state.snapshot_of(attempt.settings.output_root, previous.name) if previous else None
    )
    register_hmac(connection)
    written = {}
    for file, (_, columns, _) in TABLES.items():
        names = ", ".join(column.split()[0] for column in columns.split(", "))
        connection.execute(f"create table state_{Path(file).stem} ({columns})")
        if snapshot is not None and (snapshot / file).is_file():
            connection.execute(f"insert into state_{Path(file).stem} select {names} "
                               "from read_parquet(?)", [str(snapshot / file)])
        earlier = f"select {names} from state_{Path(file).stem}"
        query = earlier
        if file == "remembered_stops.parquet":
            query = f"""
                select {names} from (
                    select * from ({earlier})
                    union all
                    select channel, hmac_sha256(address), purpose, reason, since from new_stops
                )
                qualify row_number() over (
                    partition by channel, address_hmac, purpose
                    order by since desc, reason = 'objected' desc
                ) = 1
            """
        written[file] = copy_query(connection, query, folder / file)
    night = {
        "run_date": attempt.run_date, "status": DEGRADED, "contacts": "", "contact_deletions": "",
        "suppressed": rows[SUPPRESSION_LIST.file], "eligible": rows[ELIGIBILITY_LIST.file],
    }
    written[state.RUNS_FILE] = write_runs(folder, state.recent_runs(snapshot), night)
    return written


def _manifest(
    attempt: Attempt, folder: Path, failure: dict, reading: Reading, new_stops: int,
    rows: dict, state_rows: dict, previous: Path | None,
) -> dict:
    from hygiene.policy import current_policy

    return {
        "status": DEGRADED,
        "degraded": {
            "failed_task": failure.get("task"),
            "cause": failure.get("cause"),
            "reason": failure.get("message"),
            "read": reading.as_dict(),
            "new_stops": new_stops,
        },
        "policy_version": current_policy().version,
        "inputs": {
            path.name: {"sha256": checksum}
            for path, checksum in landing.sha256_of_each(sorted(folder.glob("*.csv"))).items()
        },
        "state": {"previous_run": previous.name if previous else None, "written": state_rows},
        "deletion_hold": {"held": False, "reason": "no deletion list on a degraded night (G5)"},
        "outputs": {"rows": rows},
    }


def _write_report(attempt: Attempt, manifest: dict, previous: Path | None) -> None:
    from hygiene.policy import current_policy
    from hygiene.report import degraded_facts, write_report

    output_root = attempt.settings.output_root
    snapshot = state.snapshot_of(output_root, previous.name) if previous else None
    facts = degraded_facts(attempt.run_date, current_policy(), manifest, manifest["code_version"],
                           previous, state.recent_runs(snapshot))
    write_report(attempt.staging, facts)
