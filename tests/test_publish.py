"""Publishing (CONTRACT.md "Output"): atomic, `latest` forward only, delta against the last run."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest

from hygiene import publish
from hygiene.load import connect

MARTS = {
    "suppression_list": "channel varchar, address varchar, address_sha256 varchar, purpose varchar, reason varchar, since date",
    "marketing_eligibility": "channel varchar, address varchar, purpose varchar, basis varchar",
    "deletion_list": "subject_type varchar, subject_id varchar, action varchar, rule varchar, due_date date",
    "tombstones": "channel varchar, address_hmac varchar, purpose varchar, reason varchar, since date",
}


@pytest.fixture
def warehouse(tmp_path) -> Path:
    path = tmp_path / "wh.duckdb"
    with connect(path) as db:
        db.execute("create schema marts")
        for table, columns in MARTS.items():
            db.execute(f"create table marts.{table} ({columns})")
        db.execute(
            "insert into marts.suppression_list values "
            "('email', 'b@example.nl', 'hb', 'offers', 'no_basis', null), "
            "('email', 'a@example.nl', 'ha', 'offers', 'objected', '2026-01-02')"
        )
        db.execute("insert into marts.deletion_list values ('contact', 'C9', 'delete', 'R7', '2026-01-01')")
    return path


def publish_day(output_root: Path, warehouse: Path, day: str, *, hold: bool = False) -> Path:
    folder = publish.start_staging(output_root, day)
    previous = publish.previous_run(output_root, day)
    rows = publish.write_lists(warehouse, folder, previous, hold_deletions=hold)
    return publish.finalize(folder, output_root, day, {"outputs": {"rows": rows}})


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


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
    assert not (tmp_path / "out" / "2026-11-28.tmp").exists()


def test_backfill_of_an_older_day_does_not_move_latest_back(tmp_path, warehouse):
    publish_day(tmp_path / "out", warehouse, "2026-11-28")
    publish_day(tmp_path / "out", warehouse, "2026-11-20")
    assert (tmp_path / "out" / "latest").resolve().name == "2026-11-28"


def test_g1_an_unfinished_staging_folder_is_never_the_previous_run(tmp_path, warehouse):
    publish_day(tmp_path / "out", warehouse, "2026-11-27")
    publish.start_staging(tmp_path / "out", "2026-11-28")  # a run that failed before publishing
    assert publish.previous_run(tmp_path / "out", "2026-11-29").name == "2026-11-27"
    assert (tmp_path / "out" / "latest").resolve().name == "2026-11-27"


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
