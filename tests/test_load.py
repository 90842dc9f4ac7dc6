"""The loader: CONTRACT.md "Input" parsing, and G1 errors naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from hygiene import load
from hygiene.errors import ExtractError
from hygiene.load import connect, load_extracts

CONTACTS_HEADER = "contact_id,email,phone,first_name,last_name,created_at,signup_source,legal_hold"
BOOKINGS_HEADER = (
    "booking_id,contact_id,booker_email,booker_phone,booked_at,status,confirmed_at,invoiced_at,"
    "product_type,departure_date,return_date,total_amount,marketing_optout_offered"
)
EVENTS_HEADER = (
    "event_id,contact_id,channel,purpose,action,occurred_at,source,proof_ref,consent_text_version"
)


def write_landing(folder: Path, contacts: list[str], bookings: list[str] = (), events=()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "crm_contacts.csv").write_text("\n".join([CONTACTS_HEADER, *contacts]) + "\n")
    (folder / "bookings.csv").write_text("\n".join([BOOKINGS_HEADER, *bookings]) + "\n")
    (folder / "consent_events.csv").write_text("\n".join([EVENTS_HEADER, *events]) + "\n")
    (folder / "_READY").touch()
    return folder


def test_dutch_spreadsheet_export_with_bom_and_semicolons_loads(tmp_path):
    folder = write_landing(tmp_path / "landing", [])
    (folder / "crm_contacts.csv").write_bytes(
        "\ufeffcontact_id;email;created_at;signup_source;legal_hold;extra_column\n"
        "C1; Jan@Example.NL ;2024-03-01 10:00;booking;Ja;ignored\n".encode()
    )
    load_extracts(folder, tmp_path / "wh.duckdb")
    with connect(tmp_path / "wh.duckdb") as db:
        row = db.execute(
            "select contact_id, legal_hold, phone, "
            "strftime(timezone('UTC', created_at), '%Y-%m-%d %H:%M') "
            "from raw.crm_contacts"
        ).fetchone()
    assert row == ("C1", True, None, "2024-03-01 09:00")  # no offset: Amsterdam, CET


@pytest.mark.parametrize(
    "spelling, expected",
    [("true", True), ("1", True), ("YES", True), ("ja", True),
     ("False", False), ("0", False), ("no", False), ("Nee", False), ("", False)],
)
def test_booleans_in_every_contract_spelling(tmp_path, spelling, expected):
    folder = write_landing(tmp_path / "l", [f"C1,,,,,2024-01-01,booking,{spelling}"])
    load_extracts(folder, tmp_path / "wh.duckdb")
    with connect(tmp_path / "wh.duckdb") as db:
        assert db.execute("select legal_hold from raw.crm_contacts").fetchone()[0] is expected


def test_timestamp_without_offset_is_amsterdam_time(tmp_path):
    folder = write_landing(
        tmp_path / "l",
        ["C1,,,,,2024-07-01 10:00:00,booking,", "C2,,,,,2024-07-01T08:00:00Z,booking,"],
    )
    load_extracts(folder, tmp_path / "wh.duckdb")
    with connect(tmp_path / "wh.duckdb") as db:
        (distinct,) = db.execute("select count(distinct created_at) from raw.crm_contacts").fetchone()
    assert distinct == 1  # 10:00 CEST is 08:00 UTC


def test_g1_bad_values_are_named_by_file_row_and_column_without_the_value(tmp_path):
    folder = write_landing(
        tmp_path / "l",
        ["C1,secret@example.nl,,,,2024-01-01,booking,", "C2,,,,,01-02-2024,booking,maybe"],
    )
    with pytest.raises(ExtractError) as raised:
        load_extracts(folder, tmp_path / "wh.duckdb")
    message = str(raised.value)
    assert "crm_contacts.csv, row 2 (line 3), column created_at: not an ISO 8601 timestamp" in message
    assert "crm_contacts.csv, row 2 (line 3), column legal_hold: not a boolean" in message
    assert "01-02-2024" not in message and "maybe" not in message


def test_g1_missing_required_column_is_reported(tmp_path):
    folder = write_landing(tmp_path / "l", [])
    (folder / "bookings.csv").write_text("booking_id,status\nB1,quote\n")
    with pytest.raises(ExtractError, match=r"bookings.csv, header: required column\(s\) booked_at, product_type, marketing_optout_offered missing"):
        load_extracts(folder, tmp_path / "wh.duckdb")


def test_g1_empty_required_value_is_reported(tmp_path):
    folder = write_landing(tmp_path / "l", ["C1,,,,,2024-01-01,,"])
    with pytest.raises(ExtractError, match=r"crm_contacts.csv, row 1 \(line 2\), column signup_source: required value is empty"):
        load_extracts(folder, tmp_path / "wh.duckdb")


def test_g1_duplicate_primary_key_names_both_rows(tmp_path):
    folder = write_landing(
        tmp_path / "l",
        ["C1,,,,,2024-01-01,booking,", "C2,,,,,2024-01-01,booking,", "C1,,,,,2024-01-02,booking,"],
    )
    with pytest.raises(ExtractError, match=r"row 3 \(line 4\), column contact_id: duplicate key, already used in row 1"):
        load_extracts(folder, tmp_path / "wh.duckdb")


def test_g1_ragged_csv_is_unreadable(tmp_path):
    folder = write_landing(
        tmp_path / "l", ["C1,,,,,2024-01-01,booking,", "C2,a@b.nl,,,,2024-01-01,booking,,x,y"]
    )
    with pytest.raises(ExtractError) as raised:
        load_extracts(folder, tmp_path / "wh.duckdb")
    message = str(raised.value)
    assert "crm_contacts.csv: unreadable CSV (Invalid Input Error: CSV Error on Line: 3; Expected Number of Columns: 8 Found: 9)" in message
    assert "a@b.nl" not in message


@pytest.mark.parametrize(
    "sequence",
    [b"\xe9", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"],
    ids=["windows-1252", "overlong", "surrogate", "beyond U+10FFFF", "cut short"],
)
def test_g1_bytes_that_are_not_utf8_are_named_by_their_line(tmp_path, sequence):
    """DuckDB's reader refuses them as it reads (the loader reads a UTF-8 file once); the line
    comes from Python's strict decoder, and the name with the bad bytes is not in the message."""
    folder = write_landing(tmp_path / "l", ["C1,,,,,2024-01-01,booking,"])
    (folder / "crm_contacts.csv").write_bytes(
        f"{CONTACTS_HEADER}\nC1,,,,,2024-01-01,booking,\nC2,,,Ren".encode() + sequence
        + b",,2024-01-01,booking,\n"
    )
    with pytest.raises(ExtractError, match=r"crm_contacts.csv, line 3: not UTF-8; Windows-1252\?"):
        load_extracts(folder, tmp_path / "wh.duckdb")


def test_optional_unsubscribe_file_may_be_absent(tmp_path):
    folder = write_landing(tmp_path / "l", ["C1,,,,,2024-01-01,booking,"])
    loaded = {item.name: item.rows for item in load_extracts(folder, tmp_path / "wh.duckdb")}
    assert loaded == {"crm_contacts": 1, "bookings": 0, "consent_events": 0, "mailtool_unsubscribes": 0}


def test_decimal_comma_and_dates_load_typed(tmp_path):
    folder = write_landing(
        tmp_path / "l",
        ["C1,,,,,2024-01-01,booking,"],
        ["B1,C1,,,2024-01-01,confirmed,2024-01-02,2024-01-03,package,2024-05-01,2024-05-10,\"1234,50\",true"],
    )
    load_extracts(folder, tmp_path / "wh.duckdb")
    with connect(tmp_path / "wh.duckdb") as db:
        amount, returns = db.execute("select total_amount, return_date from raw.bookings").fetchone()
    assert (float(amount), str(returns)) == (1234.5, "2024-05-10")


def test_the_loader_holds_one_extract_at_a_time(tmp_path, monkeypatch):
    """An extract's parsed rows are dropped once it is typed or refused: at 10,000,000 contacts
    the text of the extracts before it cost the load 17-19 s and 0.8-1 GiB (docs/decisions.md,
    64, 69)."""
    folder = write_landing(
        tmp_path / "l",
        ["C1,,,,,2024-01-01,booking,", "C1,,,,,2024-01-02,booking,"],  # a duplicate key: refused
        ["B1,C1,,,2024-01-01,quote,,,package,,,,false"],
    )
    (folder / "mailtool_unsubscribes.csv").write_text(
        "email,unsubscribed_at,purpose\njan@example.nl,2024-01-01,\n,2024-01-01,\n"
    )
    held: dict[str, list[str]] = {}
    create_typed = load._create_typed

    def noting_what_is_held(connection, extract, rows):
        held[extract.name] = sorted(name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where temporary "
            "union all select view_name from duckdb_views() where temporary and not internal"
        ).fetchall())
        return create_typed(connection, extract, rows)

    monkeypatch.setattr(load, "_create_typed", noting_what_is_held)
    with pytest.raises(ExtractError, match="duplicate key"):
        load_extracts(folder, tmp_path / "wh.duckdb")
    assert held == {
        "bookings": ["bookings_kept", "bookings_parsed"],
        "consent_events": ["consent_events_kept", "consent_events_parsed"],
        "mailtool_unsubscribes": ["mailtool_unsubscribes_kept", "mailtool_unsubscribes_parsed"],
    }
