"""Mail-tool exports (CONTRACT.md "Mail-tool exports"): per tool and purpose exactly the e-mail
addresses the suppression list suppresses, each once, sorted, in the tool's import format."""

from __future__ import annotations

import csv
import io
import json
import random
import stat
from pathlib import Path

import duckdb
import pytest

from hygiene.errors import ExportError
from hygiene.exports.formats import FORMATS, PURPOSES, mail_tools_from_env
from hygiene.exports.write import write_exports

COLUMNS = ("channel", "address", "address_sha256", "purpose", "reason", "since")
# A local part may legally hold these (RFC 5322 quoted or atext characters); the pipeline's
# normalisation keeps anything but whitespace and a second `@`.
ODD_ADDRESSES = (
    "semi;colon@example.nl",
    "com,ma@example.nl",
    'dou"ble@example.nl',
    "o'brien@example.nl",
    "back\\slash@example.nl",
    "zoë@example.nl",
    "ctrl\x01char@example.nl",
)
ROWS = (
    ("email", "b@example.nl", "hb", "newsletter", "no_basis", None),
    ("email", "a@example.nl", "ha", "newsletter", "objected", "2026-01-02"),
    ("email", "a@example.nl", "ha", "offers", "objected", "2026-01-02"),
    ("email", "a@example.nl", "ha", "offers", "objected", "2026-01-02"),  # twice: exported once
    ("email", "c@example.nl", "hc", "offers", "withdrawn", "2025-05-05"),
    ("sms", "+31612345678", "hs", "newsletter", "no_basis", None),  # not an e-mail address
    ("sms", "+31612345678", "hs", "partner_offers", "no_basis", None),
    *(("email", address, "hx", "newsletter", "objected", "2026-01-01") for address in ODD_ADDRESSES),
)
# partner_offers suppresses no e-mail address at all
EXPECTED = {
    purpose: sorted({row[1] for row in ROWS if row[0] == "email" and row[3] == purpose})
    for purpose in PURPOSES
}


def write_suppression_list(path: Path, rows=ROWS) -> Path:
    """As publish.py writes it: DuckDB's CSV, comma-separated, double-quote quoting."""
    with duckdb.connect() as connection:
        connection.execute(f"create table rows ({', '.join(f'{c} varchar' for c in COLUMNS)})")
        connection.executemany(f"insert into rows values ({', '.join('?' * len(COLUMNS))})", rows)
        connection.execute(f"copy rows to '{path}' (header, delimiter ',', quote '\"')")
    return path


@pytest.fixture
def run_folder(tmp_path) -> Path:
    folder = tmp_path / "2026-11-28.tmp"
    folder.mkdir()
    write_suppression_list(folder / "suppression_list.csv")
    return folder


def exported(folder: Path, tool: str, purpose: str) -> list[str]:
    """The addresses of one export, parsed as the tool would read its documented format."""
    export = FORMATS[tool]
    text = (folder / export.relative_path(purpose)).read_text(encoding="utf-8")
    if export.extension == "json":
        body = json.loads(text)
        assert list(body) == ["recipient_emails"]
        return body["recipient_emails"]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=export.delimiter))
    assert rows[0] == [export.field]
    assert all(len(row) == 1 for row in rows)
    return [address for (address,) in rows[1:]]


@pytest.mark.parametrize(
    ("tool", "first_line"),
    [
        ("brevo", "EMAIL"),
        ("mailchimp", "Email Address"),
        ("klaviyo", "Email"),
        ("mailjet", "email"),
        ("sendgrid", '{"recipient_emails": ['),
    ],
)
def test_each_tool_gets_its_documented_header_and_the_suppressed_addresses(
    run_folder, tool, first_line
):
    write_exports(run_folder / "suppression_list.csv", run_folder, [tool])
    for purpose in PURPOSES:
        path = run_folder / "exports" / tool / f"{purpose}.{'json' if tool == 'sendgrid' else 'csv'}"
        assert path.read_text(encoding="utf-8").splitlines()[0] == first_line
        assert exported(run_folder, tool, purpose) == EXPECTED[purpose]


def test_every_export_holds_each_suppressed_email_address_once_sorted_and_nothing_else(run_folder):
    rows = write_exports(run_folder / "suppression_list.csv", run_folder, list(FORMATS))

    assert EXPECTED["offers"] == ["a@example.nl", "c@example.nl"]  # the duplicate row: once
    for tool, export in FORMATS.items():
        for purpose in PURPOSES:
            addresses = exported(run_folder, tool, purpose)
            assert addresses == EXPECTED[purpose] == sorted(set(addresses))
            assert "+31612345678" not in addresses
            assert rows[export.relative_path(purpose)] == len(EXPECTED[purpose])
    assert len(rows) == len(FORMATS) * len(PURPOSES)


def test_addresses_with_delimiters_quotes_and_odd_characters_survive_every_format(run_folder):
    write_exports(run_folder / "suppression_list.csv", run_folder, list(FORMATS))

    brevo = (run_folder / "exports/brevo/newsletter.csv").read_text(encoding="utf-8")
    assert '"semi;colon@example.nl"' in brevo.splitlines()  # its own delimiter is quoted
    assert '"dou""ble@example.nl"' in brevo.splitlines()  # a quote is doubled (RFC 4180)
    mailchimp = (run_folder / "exports/mailchimp/newsletter.csv").read_text(encoding="utf-8")
    assert '"com,ma@example.nl"' in mailchimp.splitlines()
    sendgrid = (run_folder / "exports/sendgrid/newsletter.json").read_text(encoding="utf-8")
    assert '"dou\\"ble@example.nl"' in sendgrid and "\\u0001" in sendgrid
    for tool in FORMATS:
        assert set(ODD_ADDRESSES) <= set(exported(run_folder, tool, "newsletter")), tool


def test_a_purpose_that_suppresses_no_one_still_gets_its_file(run_folder):
    write_exports(run_folder / "suppression_list.csv", run_folder, list(FORMATS))

    assert (run_folder / "exports/brevo/partner_offers.csv").read_bytes() == b"EMAIL\n"
    assert (run_folder / "exports/mailchimp/partner_offers.csv").read_bytes() == b"Email Address\n"
    sendgrid = run_folder / "exports/sendgrid/partner_offers.json"
    assert json.loads(sendgrid.read_bytes()) == {"recipient_emails": []}


def test_a_rerun_gives_byte_identical_exports_whatever_the_row_order(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    shuffled = list(ROWS)
    random.Random(3).shuffle(shuffled)
    write_exports(write_suppression_list(first / "list.csv"), first, list(FORMATS))
    write_exports(write_suppression_list(second / "list.csv", shuffled), second, list(FORMATS))
    write_exports(first / "list.csv", first, list(FORMATS))  # and again in the same folder

    files = sorted(path.relative_to(first) for path in (first / "exports").rglob("*.*"))
    assert len(files) == len(FORMATS) * len(PURPOSES)
    for relative in files:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_a_list_of_many_row_groups_is_exported_sorted_by_utf8_bytes(tmp_path):
    """Enough rows for DuckDB to read, sort and store them in several row groups on every core:
    the one sort for all tools (the table's insertion order) still comes out sorted everywhere."""
    per_purpose = 100_000
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select 'email' as channel, md5(i::varchar) || 'ë@example.nl' as address,"
            " 'h' as address_sha256, ['newsletter', 'offers', 'partner_offers'][i % 3 + 1]"
            " as purpose, 'objected' as reason, '2026-01-02' as since"
            f" from range({3 * per_purpose}) as t(i)) to '{tmp_path / 'list.csv'}' (header)"
        )
    rows = write_exports(tmp_path / "list.csv", tmp_path, ["brevo", "sendgrid"])

    for tool in ("brevo", "sendgrid"):
        for purpose in PURPOSES:
            addresses = exported(tmp_path, tool, purpose)
            assert rows[FORMATS[tool].relative_path(purpose)] == per_purpose
            assert addresses == sorted(set(addresses), key=str.encode), (tool, purpose)


def test_exports_are_owner_only_and_leave_no_scratch_files(run_folder):
    write_exports(run_folder / "suppression_list.csv", run_folder, list(FORMATS))

    for path in (run_folder / "exports").rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert sorted(p.name for p in run_folder.iterdir()) == ["exports", "suppression_list.csv"]


def test_only_the_configured_tools_are_written_and_earlier_exports_are_replaced(run_folder):
    write_exports(run_folder / "suppression_list.csv", run_folder, list(FORMATS))
    rows = write_exports(run_folder / "suppression_list.csv", run_folder, ["brevo", "sendgrid"])

    assert sorted(p.name for p in (run_folder / "exports").iterdir()) == ["brevo", "sendgrid"]
    assert set(rows) == {
        f"exports/{tool}/{purpose}.{ext}"
        for tool, ext in (("brevo", "csv"), ("sendgrid", "json"))
        for purpose in PURPOSES
    }


def test_no_tools_means_no_exports_folder(run_folder):
    write_exports(run_folder / "suppression_list.csv", run_folder, list(FORMATS))
    assert write_exports(run_folder / "suppression_list.csv", run_folder, []) == {}
    assert not (run_folder / "exports").exists()


def test_an_unknown_tool_is_refused_before_anything_is_written(run_folder):
    with pytest.raises(ExportError, match="'outlook' is not a mail tool.*brevo, mailchimp"):
        write_exports(run_folder / "suppression_list.csv", run_folder, ["brevo", "outlook"])
    assert not (run_folder / "exports").exists()


def test_an_unknown_purpose_stops_the_exports_instead_of_dropping_addresses(run_folder):
    list_csv = write_suppression_list(
        run_folder / "suppression_list.csv",
        [*ROWS, ("email", "d@example.nl", "hd", "all", "objected", "2026-01-01")],
    )
    with pytest.raises(ExportError, match="purpose 'all'.*newsletter, offers, partner_offers") as error:
        write_exports(list_csv, run_folder, list(FORMATS))
    assert "@" not in str(error.value).replace(str(list_csv), "")
    assert not (run_folder / "exports").exists()


def test_a_list_without_the_contract_columns_is_an_error_naming_file_and_column(tmp_path):
    path = tmp_path / "suppression_list.csv"
    path.write_text("channel,email,purpose\nemail,a@example.nl,offers\n")
    with pytest.raises(ExportError, match=f"{path}: no column address"):
        write_exports(path, tmp_path, ["brevo"])


def test_an_unreadable_list_error_names_the_line_but_never_an_address(tmp_path):
    path = tmp_path / "suppression_list.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n"
        "email,a@example.nl,ha,offers,objected,2026-01-01\n"
        "email,secret@example.nl,hs,offers,objected,2026-01-01,one too many\n"
    )
    with pytest.raises(ExportError) as error:
        write_exports(path, tmp_path, ["brevo"])
    message = str(error.value)
    assert f"{path}: not readable" in message and "at line 3" in message
    assert "secret" not in message and "example.nl" not in message


def test_a_missing_list_is_an_error_naming_it(tmp_path):
    with pytest.raises(ExportError, match="suppression_list.csv: the suppression list to export is missing"):
        write_exports(tmp_path / "suppression_list.csv", tmp_path, ["brevo"])


# ---------- HYGIENE_MAIL_TOOLS


@pytest.mark.parametrize("environ", [{}, {"HYGIENE_MAIL_TOOLS": ""}, {"HYGIENE_MAIL_TOOLS": " , "}])
def test_mail_tools_default_to_all_five_in_contract_order(environ):
    assert mail_tools_from_env(environ) == ("brevo", "mailchimp", "klaviyo", "mailjet", "sendgrid")


def test_mail_tools_are_read_in_any_case_and_order_each_once():
    environ = {"HYGIENE_MAIL_TOOLS": " SendGrid,brevo , sendgrid"}
    assert mail_tools_from_env(environ) == ("brevo", "sendgrid")


def test_mail_tools_none_turns_the_exports_off():
    assert mail_tools_from_env({"HYGIENE_MAIL_TOOLS": "None"}) == ()


def test_an_unknown_mail_tool_names_the_variable_the_value_and_the_known_tools():
    with pytest.raises(ExportError) as error:
        mail_tools_from_env({"HYGIENE_MAIL_TOOLS": "brevo,hubspot"})
    message = str(error.value)
    assert "HYGIENE_MAIL_TOOLS='brevo,hubspot'" in message
    assert "'hubspot'" in message
    assert "brevo, mailchimp, klaviyo, mailjet, sendgrid" in message


def test_none_combined_with_a_tool_is_an_error():
    with pytest.raises(ExportError, match="HYGIENE_MAIL_TOOLS='none,brevo'.*cannot be combined"):
        mail_tools_from_env({"HYGIENE_MAIL_TOOLS": "none,brevo"})
