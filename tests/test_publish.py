"""Publishing (CONTRACT.md "Output"): atomic, `latest` forward only, delta against the last run,
a degraded night never over a good one (G5)."""

from __future__ import annotations

import json
import os
import signal
import stat
import threading
from pathlib import Path

import duckdb
import pytest

from hygiene import publish
from hygiene.load import connect
from published_run import read_rows

MARTS = {
    "suppression_list": "channel varchar, address varchar, address_sha256 varchar, purpose varchar, reason varchar, since date",
    "marketing_eligibility": "channel varchar, address varchar, purpose varchar, basis varchar",
    "deletion_list": "subject_type varchar, subject_id varchar, action varchar, rule varchar, due_date date",
    "tombstones": "channel varchar, address_hmac varchar, purpose varchar, reason varchar, since date",
}
# What the internal explain tables (`<D>/explain/`, read by `hygiene explain`) select.
EXPLAIN_SOURCES = {
    "marts.fct_address_decisions": (
        "channel varchar, address varchar, address_sha256 varchar, purpose varchar, "
        "is_eligible boolean, basis varchar, reason varchar, since date, rule varchar, "
        "evidence_type varchar, evidence_id varchar, latest_event_action varchar, latest_event_on date"
    ),
    "marts.fct_retention_deadlines": (
        "subject_type varchar, subject_id varchar, action varchar, rule varchar, due_date date, "
        "kept_by varchar, is_due boolean, is_unlinked_booking boolean"
    ),
    "marts.dim_contacts": "contact_id varchar, customer_status varchar",
    "staging.stg_crm__contacts": "contact_id varchar, email varchar, phone varchar",
    "intermediate.int_booking_deadlines": (
        "booking_id varchar, contact_id varchar, link_method varchar, booked_on date, travel_ends_on date"
    ),
    "staging.stg_bookings__bookings": "booking_id varchar, confirmed_on date, invoiced_on date",
    "staging.stg_crm__consent_events": (
        "event_id varchar, contact_id varchar, channel varchar, purpose varchar, action varchar, "
        "occurred_on date, event_source varchar, has_proof boolean, proof_ref varchar, "
        "consent_text_version varchar, event_rank bigint"
    ),
    "policy.retention_policy": "policy_key varchar, amount decimal(12, 4), unit varchar, rule varchar, legal_basis varchar",
}


@pytest.fixture
def warehouse(tmp_path) -> Path:
    path = tmp_path / "wh.duckdb"
    with connect(path) as db:
        for schema in ("marts", "staging", "intermediate", "policy"):
            db.execute(f"create schema {schema}")
        for table, columns in MARTS.items():
            db.execute(f"create table marts.{table} ({columns})")
        for table, columns in EXPLAIN_SOURCES.items():
            db.execute(f"create table {table} ({columns})")
        # in the order dbt stores it: sorted by its key (docs/decisions.md, 63)
        db.execute(
            "insert into marts.suppression_list values "
            "('email', 'a@example.nl', 'ha', 'offers', 'objected', '2026-01-02'), "
            "('email', 'b@example.nl', 'hb', 'offers', 'no_basis', null)"
        )
        db.execute("insert into marts.deletion_list values ('contact', 'C9', 'delete', 'R7', '2026-01-01')")
        db.execute("insert into staging.stg_crm__contacts values ('C9', 'a@example.nl', null), ('C1', null, '+31612345678')")
        db.execute("insert into marts.dim_contacts values ('C9', 'prospect'), ('C1', 'customer')")
        db.execute("insert into intermediate.int_booking_deadlines values ('B1', 'C1', 'contact_id', '2024-02-01', '2024-08-15')")
        db.execute("insert into staging.stg_bookings__bookings values ('B1', '2024-02-01', '2025-01-10')")
    return path


def stage_day(output_root: Path, warehouse: Path, day: str, *, hold: bool = False):
    folder = output_root / ".staging" / day
    folder.mkdir(parents=True)
    previous = publish.previous_run(output_root, day)
    return folder, publish.write_lists(warehouse, folder, previous, hold_deletions=hold)


def publish_day(
    output_root: Path, warehouse: Path, day: str, *, hold: bool = False, status: str = "published"
) -> Path:
    folder, rows = stage_day(output_root, warehouse, day, hold=hold)
    return publish.release(folder, output_root, day, {"status": status, "outputs": {"rows": rows}})


def versions(output_root: Path) -> list[str]:
    return sorted(p.name for p in (output_root / ".versions").iterdir())




def test_every_contract_file_is_published_sorted_and_owner_only(tmp_path, warehouse):
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    for name in ("suppression_list.csv", "suppression_list_hashed.csv", "suppression_delta.csv",
                 "marketing_eligibility.csv", "deletion_list.csv", "run_manifest.json"):
        assert (published / name).is_file(), name
        assert stat.S_IMODE((published / name).stat().st_mode) == 0o600
    rows = read_rows(published / "suppression_list.csv")
    assert [r["address"] for r in rows] == ["a@example.nl", "b@example.nl"]
    assert list(rows[0]) == ["channel", "address", "address_sha256", "purpose", "reason", "since"]
    assert list(read_rows(published / "suppression_list_hashed.csv")[0]) == [
        "channel", "address_sha256", "purpose", "reason", "since"]
    assert (tmp_path / "out" / "latest").resolve() == published.resolve()


def test_the_lists_dbt_stores_sorted_are_copied_as_stored_every_other_file_is_sorted(
    tmp_path, warehouse
):
    """Decision 63: fct_address_decisions is stored sorted, and the suppression and eligibility
    lists and the explain table of decisions are written in the order the warehouse holds them
    (tests/test_two_nights.py checks that order on real nights); the rest is sorted here, the
    explain table of consent events by each event's place (decision 70)."""
    with connect(warehouse) as db:
        db.execute("insert into marts.deletion_list values ('contact', 'C1', 'delete', 'R7', '2026-01-01')")
        db.execute("insert into marts.marketing_eligibility values "
                   "('sms', '+31612345678', 'offers', 'consent'), "
                   "('email', 'a@example.nl', 'offers', 'consent')")
        # stored in another order than the ids': the explain table is sorted by each event's
        # place in the order of the ids (decision 70)
        db.execute(
            "insert into staging.stg_crm__consent_events (event_id, contact_id, event_rank) "
            "values ('E10', 'C1', 2), ('E9', 'C1', 3), ('E1', 'C9', 1)"
        )
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    assert [r["subject_id"] for r in read_rows(published / "deletion_list.csv")] == ["C1", "C9"]
    assert [r["channel"] for r in read_rows(published / "marketing_eligibility.csv")] == [
        "sms", "email"]
    with connect(warehouse) as db:
        event_ids = db.execute(
            "select event_id from read_parquet(?)",
            [str(published / "explain" / "consent_events.parquet")],
        ).fetchall()
    assert event_ids == [("E1",), ("E10",), ("E9",)]


def test_g4_manifest_is_written_last_with_every_output_checksum(tmp_path, warehouse):
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    manifest = json.loads((published / "run_manifest.json").read_text())
    assert set(manifest["outputs"]["sha256"]) >= {"suppression_list.csv", "deletion_list.csv"}
    assert manifest["outputs"]["rows"]["suppression_list.csv"] == 2


def test_rerun_of_the_same_day_is_byte_identical(tmp_path, warehouse):
    first = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    before = {p.name: p.read_bytes() for p in first.rglob("*") if p.is_file()}
    second = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    assert {p.name: p.read_bytes() for p in second.rglob("*") if p.is_file()} == before
    # the replaced version is gone, nothing half-written is left beside the published runs
    assert len(versions(tmp_path / "out")) == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "2026-11-28", "latest"]


def test_the_lists_written_two_at_a_time_are_the_bytes_written_one_at_a_time(tmp_path, warehouse):
    # enough rows for DuckDB to scan, sort and write in parallel; the list stored sorted, as dbt does
    with connect(warehouse) as db:
        db.execute(
            "insert into marts.suppression_list select 'email', printf('p%07d@example.nl', i),"
            " md5(i::varchar), 'offers', 'objected', date '2026-01-01' + (i % 300)::int"
            " from range(400000) as numbers(i) order by 2"
        )
        db.execute(
            "insert into marts.deletion_list select 'booking', md5(i::varchar), 'delete', 'R3',"
            " date '2026-01-01' + (i % 300)::int from range(400000) as numbers(i)"
        )

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    two_at_a_time = tmp_path / "two"
    publish.write_lists(warehouse, two_at_a_time, None, hold_deletions=False)
    one_at_a_time = tmp_path / "one"
    outputs = (*publish.lists.LISTS, publish.lists.DELETION_LIST)
    publish.lists.make_subfolders(one_at_a_time, [output.file for output in outputs])
    with connect(warehouse, read_only=True) as connection:
        for output in outputs:
            publish.lists.copy_query(
                connection, output.query, one_at_a_time / output.file, order_by=output.order_by
            )
        publish.lists.write_hashed_and_delta(
            connection, one_at_a_time, None, publish.lists.SUPPRESSION_TABLE
        )
    assert files(two_at_a_time) == files(one_at_a_time)
    assert len(files(one_at_a_time)["suppression_delta.csv"].splitlines()) == 400_003


def test_each_concurrent_write_gets_its_own_cursor_in_amsterdam_time(warehouse):
    # TimeZone belongs to a session: a cursor starts in the machine's zone unless it is set
    # (RULES.md: D, M5)
    def time_zone(cursor) -> dict[str, int]:
        (zone,) = cursor.execute("select current_setting('TimeZone')").fetchone()
        return {zone: 1}

    def failing(cursor) -> dict[str, int]:
        cursor.execute("select * from marts.no_such_table")
        return {}

    with connect(warehouse, read_only=True) as connection:
        assert publish.lists.write_concurrently(connection, [time_zone]) == {"Europe/Amsterdam": 1}
        with pytest.raises(duckdb.CatalogException, match="no_such_table"):
            publish.lists.write_concurrently(connection, [time_zone, failing, time_zone])


class Stopped(Exception):
    """What Airflow's SIGTERM handler raises in a task's main thread."""


def test_a_stopped_task_interrupts_the_writes_it_runs(warehouse):
    def stop(signum, frame):
        raise Stopped

    ended = []

    def endless(cursor) -> dict[str, int]:
        try:
            cursor.execute("select sum(i) from range(100000000000) as numbers(i)").fetchall()
        except duckdb.InterruptException as interrupted:
            ended.append(interrupted)
            raise
        return {}

    previous = signal.signal(signal.SIGUSR1, stop)
    try:
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGUSR1))
        timer.start()
        with connect(warehouse, read_only=True) as connection, pytest.raises(Stopped):
            publish.lists.write_concurrently(connection, [endless, endless, endless])
    finally:
        signal.signal(signal.SIGUSR1, previous)
    # the two running queries were interrupted; the third was never started
    assert len(ended) == 2


def test_backfill_of_an_older_day_does_not_move_latest_back(tmp_path, warehouse):
    publish_day(tmp_path / "out", warehouse, "2026-11-28")
    publish_day(tmp_path / "out", warehouse, "2026-11-20")
    assert os.readlink(tmp_path / "out" / "latest") == "2026-11-28"


def test_g1_an_unfinished_staging_folder_is_never_the_previous_run(tmp_path, warehouse):
    publish_day(tmp_path / "out", warehouse, "2026-11-27")
    stage_day(tmp_path / "out", warehouse, "2026-11-28")  # a run that failed before publishing
    assert publish.previous_run(tmp_path / "out", "2026-11-29").name == "2026-11-27"
    assert os.readlink(tmp_path / "out" / "latest") == "2026-11-27"


def test_delta_lists_added_and_removed_against_the_previous_run(tmp_path, warehouse):
    publish_day(tmp_path / "out", warehouse, "2026-11-27")
    with connect(warehouse) as db:
        db.execute("delete from marts.suppression_list where address = 'b@example.nl'")
        db.execute("insert into marts.suppression_list values ('sms', '+31612345678', 'hc', 'newsletter', 'withdrawn', '2026-11-28')")
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    delta = {(r["change"], r["address_sha256"]) for r in read_rows(published / "suppression_delta.csv")}
    assert delta == {("added", "hc"), ("removed", "hb")}


def test_g2_held_deletion_list_is_kept_for_review_not_published(tmp_path, warehouse):
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28", hold=True)
    assert read_rows(published / "deletion_list.csv") == []
    assert [r["subject_id"] for r in read_rows(published / publish.HELD_DELETION_LIST)] == ["C9"]


def test_explain_tables_are_published_owner_only_for_explain_to_read(tmp_path, warehouse):
    from hygiene import explain

    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    folder = published / explain.EXPLAIN_FOLDER
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in explain.TABLE_FILES.values():
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
        # compressed Parquet (issue "Performance"); a table without rows has no column chunks
        assert parquet_codecs(folder / name) <= {"ZSTD"}, name
    assert parquet_codecs(folder / "contacts.parquet") == {"ZSTD"}
    contacts = read_rows(folder / "contacts.parquet")
    assert contacts == [
        {"contact_id": "C1", "email": "", "phone": "+31612345678", "customer_status": "customer"},
        {"contact_id": "C9", "email": "a@example.nl", "phone": "", "customer_status": "prospect"},
    ]
    # R4's book year: of the invoice, else of the confirmation (the later of the two)
    assert read_rows(folder / "booking_links.parquet")[0]["book_year"] == "2025"
    manifest = json.loads((published / "run_manifest.json").read_text())
    assert manifest["outputs"]["rows"]["explain/contacts.parquet"] == 2
    assert "explain/address_decisions.parquet" in manifest["outputs"]["sha256"]


def parquet_codecs(path: Path) -> set[str]:
    with duckdb.connect() as connection:
        return {codec for (codec,) in connection.execute(
            "select distinct compression from parquet_metadata(?)", [str(path)]).fetchall()}


def test_published_runs_are_links_to_complete_versions(tmp_path, warehouse):
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    assert published.is_symlink() and not Path(os.readlink(published)).is_absolute()
    assert os.readlink(tmp_path / "out" / "latest") == "2026-11-28"
    assert (published / "run_manifest.json").is_file()


def test_g5_a_degraded_night_is_never_published_over_a_good_run_of_the_same_day(tmp_path, warehouse):
    good = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    before = (good / "run_manifest.json").read_bytes()
    with pytest.raises(publish.PublishError, match="already a complete run of 2026-11-28"):
        publish_day(tmp_path / "out", warehouse, "2026-11-28", status="degraded")
    assert (good / "run_manifest.json").read_bytes() == before


def test_g5_a_good_rerun_replaces_the_degraded_night(tmp_path, warehouse):
    publish_day(tmp_path / "out", warehouse, "2026-11-28", status="degraded")
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    assert json.loads((published / "run_manifest.json").read_text())["status"] == "published"
    assert len(versions(tmp_path / "out")) == 1


def test_a_run_published_before_versions_existed_is_replaced_atomically(tmp_path, warehouse):
    old = tmp_path / "out" / "2026-11-28"
    old.mkdir(parents=True)
    (old / "run_manifest.json").write_text('{"run_date": "2026-11-28"}')
    published = publish_day(tmp_path / "out", warehouse, "2026-11-28")
    assert published.is_symlink()
    assert "status" in json.loads((published / "run_manifest.json").read_text())
    assert len(versions(tmp_path / "out")) == 1


def test_a_version_no_link_names_is_removed_as_left_by_a_killed_run(tmp_path, warehouse):
    from hygiene.publish import layout

    publish_day(tmp_path / "out", warehouse, "2026-11-28")
    orphan = tmp_path / "out" / ".versions" / "2026-11-29~deadbeef00"
    orphan.mkdir()  # moved in, killed before its link was swapped
    with layout.locked(tmp_path / "out"):
        removed = layout.remove_unlinked_versions(tmp_path / "out")
    assert removed == [orphan] and not orphan.exists()
    assert (tmp_path / "out" / "latest" / "run_manifest.json").is_file()
