"""The bad-input corpus (issue "Guards"): each broken export, the exact message a person reads, and
what was (not) published.

Every case starts from the same good night of D0 (generated extracts) and breaks D1's copy of
them one way. A broken night publishes a degraded D1 (G5) that holds the objection added to its
extracts and no deletion row; what the contract tolerates publishes D1 as usual and is reported.
The nights run through tests/night_steps.py (the DAG's steps without Airflow), so the corpus
costs seconds per case.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from hygiene.generate import generate_landing
from hygiene.nightly import NightFailed
from hygiene.settings import Settings
from night_steps import TEST_HASH_KEY, run_night
from published_run import read_rows

pytestmark = pytest.mark.slow

D0, D1 = "2026-11-27", "2026-11-28"
NEW_OBJECTOR = "C0000007"  # a generated contact; its objection arrives with D1's extracts
NEW_UNSUBSCRIBE = "nieuw.bezwaar@example.nl"
PLANTED = ("Zoë Çelik", "31-12-2026", "gisteren")  # values that must never reach a message


@pytest.fixture(scope="module", autouse=True)
def environment():
    """The run's key (M10), and G2's share test off: 60 generated contacts delete many."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
        patch.setenv("HYGIENE_DELETION_HOLD_SHARE", "1")
        yield


@pytest.fixture(scope="module")
def good_night(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("corpus")
    settings = Settings(root / "landing", root / "output", root / "warehouse")
    generate_landing(settings.landing(D0), date.fromisoformat(D0), 60)
    run_night(settings, D0)
    return settings


@pytest.fixture
def night(good_night, tmp_path) -> Settings:
    """A copy of the good night's output, and D1's landing folder: D0's extracts, manifest off."""
    settings = Settings(tmp_path / "landing", tmp_path / "output", tmp_path / "warehouse")
    shutil.copytree(good_night.output_root, settings.output_root, symlinks=True)
    shutil.copytree(good_night.landing(D0), settings.landing(D1))
    return settings


# ---------------------------------------------------------------------------- breaking a file


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def edit_row(path: Path, row: int, column: str, value: str) -> None:
    """Set `column` of data row `row` (1 = the first after the header)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[row][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def add_objection(landing: Path) -> None:
    with (landing / "consent_events.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"E-NEW,{NEW_OBJECTOR},all,all,object,{D1}T09:00:00+01:00,web_form,,\n")


def add_unsubscribe(landing: Path, email: str = NEW_UNSUBSCRIBE) -> None:
    with (landing / "mailtool_unsubscribes.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{email},{D1}T08:00:00+01:00,\n")


def windows_1252(landing: Path) -> int:
    """crm_contacts.csv saved by a Windows program; returns the line of its first non-ASCII byte."""
    edit_row(landing / "crm_contacts.csv", 3, "last_name", PLANTED[0])
    path = landing / "crm_contacts.csv"
    encoded = path.read_text(encoding="utf-8").encode("cp1252", errors="replace")
    path.write_bytes(encoded)
    return next(n for n, line in enumerate(encoded.split(b"\n"), 1) if max(line, default=0) > 127)


@dataclass(frozen=True)
class Case:
    break_it: Callable[[Path], object]
    failed_step: str
    message: str  # the exact line a person reads ({line} filled in from break_it's answer)
    manifest: bool = False  # keep extract_manifest.json (else a source without one)
    new_stop: bool = True  # the objection added to D1's consent events is honoured
    env: dict = field(default_factory=dict)


def truncate_bookings(landing: Path) -> None:
    path = landing / "bookings.csv"
    path.write_text("".join(lines_of(path)[:-20]), encoding="utf-8")


def header_only(landing: Path) -> None:
    path = landing / "crm_contacts.csv"
    path.write_text(lines_of(path)[0], encoding="utf-8")


def without_column(landing: Path, file: str, column: str) -> None:
    with (landing / file).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = [name for name in rows[0] if name != column]
    with (landing / file).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def unknown_status(landing: Path) -> str:
    """Three bookings with a status CONTRACT.md does not list; their row numbers."""
    with (landing / "bookings.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    changed = [n for n, row in enumerate(rows[1:], 1) if row[5] == "confirmed"][:3]
    for n in changed:
        rows[n][5] = "geboekt"
    with (landing / "bookings.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return ", ".join(map(str, changed))


def duplicate_event(landing: Path) -> None:
    path = landing / "consent_events.csv"
    lines = lines_of(path)
    path.write_text("".join(lines + [lines[2]]), encoding="utf-8")


CASES = {
    "windows-1252 bytes": Case(
        windows_1252, "load_raw",
        "crm_contacts.csv, line {line}: not UTF-8; Windows-1252? If the export comes from a "
        "Windows program, set HYGIENE_EXTRACT_ENCODING=cp1252 and rerun, or have it exported as "
        "UTF-8.",
    ),
    "missing required column": Case(
        lambda landing: without_column(landing, "bookings.csv", "status"), "load_raw",
        "bookings.csv, header: required column(s) status missing",
    ),
    "duplicate keys": Case(
        duplicate_event, "load_raw",
        "consent_events.csv, row 203 (line 204), column event_id: duplicate key, already used in "
        "row 2 (1 duplicate row(s) in all)",
    ),
    "unparseable dates": Case(
        lambda landing: edit_row(landing / "bookings.csv", 5, "departure_date", PLANTED[1]),
        "load_raw",
        "bookings.csv, row 5 (line 6), column departure_date: not a date YYYY-MM-DD (1 row(s) in "
        "all)",
    ),
    "unparseable timestamp": Case(
        lambda landing: edit_row(landing / "crm_contacts.csv", 2, "created_at", PLANTED[2]),
        "load_raw",
        "crm_contacts.csv, row 2 (line 3), column created_at: not an ISO 8601 timestamp (1 row(s) "
        "in all)",
    ),
    "empty file": Case(
        lambda landing: (landing / "bookings.csv").write_bytes(b""), "load_raw",
        "bookings.csv: the file is empty, not even a header line; the export failed, ask for it "
        "again.",
    ),
    "header only": Case(
        header_only, "check_raw",
        "The file has 0 rows against 60 in the previous run: more than HYGIENE_VOLUME_BAND=0.3 "
        "apart. If the export is right, rerun with HYGIENE_VOLUME_BAND=1 to accept it.",
    ),
    "unknown value": Case(
        unknown_status, "check_raw",
        "bookings.csv, column status: status holds only values CONTRACT.md lists: 3 row(s) break "
        "it (first rows {line}) [critical G1, raw_extracts expect_column_values_to_be_in_set].",
    ),
    "grants without proof above the threshold": Case(
        lambda landing: None, "check_marts",
        "consent_proof/unproven_grant_share, column unproven_share: share of grants without "
        "proof is at most HYGIENE_MAX_UNPROVEN_GRANT_SHARE: more means a broken consent export "
        "or an unproven import: not met, observed",
        env={"HYGIENE_MAX_UNPROVEN_GRANT_SHARE": "0.01"},
    ),
    "truncated against its manifest": Case(
        truncate_bookings, "verify_landing",
        "bookings.csv: sha256 differs from extract_manifest.json: 124 rows announced, 104 found "
        "(the file was truncated or replaced after the manifest was written); ask the source "
        "system to export it again.",
        manifest=True, new_stop=False,
    ),
    "missing extract": Case(
        lambda landing: (landing / "consent_events.csv").unlink(), "verify_landing",
        "consent_events.csv: required extract is missing from {landing}; ask the source system "
        "to deliver it (then rerun D).",
        new_stop=False,
    ),
}


def published_rows(folder: Path, file: str) -> list[dict]:
    with (folder / file).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", CASES)
def test_a_broken_export_is_named_and_publishes_a_degraded_night(night, name, monkeypatch):
    case = CASES[name]
    landing = night.landing(D1)
    if not case.manifest:
        (landing / "extract_manifest.json").unlink()
    if case.new_stop:
        add_objection(landing)
    add_unsubscribe(landing)
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    line = case.break_it(landing)
    message = case.message.format(line=line, landing=landing)

    with pytest.raises(NightFailed, match=f"failed in task {case.failed_step}") as failed:
        run_night(night, D1)

    journal = json.loads(next((night.output_root / ".staging").glob(f"{D1}~*.json")).read_text())
    assert message in journal["failure"]
    assert f"A degraded {D1} was published (G5)" in str(failed.value)
    for value in PLANTED:
        assert value not in journal["failure"] and value not in str(failed.value)

    published = night.output_root / D1
    manifest = json.loads((published / "run_manifest.json").read_text())
    assert (manifest["status"], manifest["degraded"]["failed_task"]) == ("degraded", case.failed_step)
    # the manifest names the files the degraded night read, each with its own checksum
    assert {name: item["sha256"] for name, item in manifest["inputs"].items()} == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in landing.glob("*.csv")}
    assert os.readlink(night.output_root / "latest") == D1
    assert published_rows(published, "deletion_list.csv") == []
    suppressed = {(r["address"], r["purpose"]): r["reason"]
                  for r in published_rows(published, "suppression_list.csv")}
    before = {(r["address"], r["purpose"])
              for r in published_rows(night.output_root / D0, "suppression_list.csv")}
    assert before <= set(suppressed)  # never a suppression less
    assert {suppressed[(NEW_UNSUBSCRIBE, p)] for p in ("newsletter", "offers", "partner_offers")} == {
        "objected"}
    objector = next(r for r in read_rows(night.output_root / D0 / "explain" / "contacts.parquet")
                    if r["contact_id"] == NEW_OBJECTOR)
    stopped = {p for (address, p), reason in suppressed.items()
               if address == objector["email"] and reason == "objected"}
    assert (stopped == {"newsletter", "offers", "partner_offers"}) is case.new_stop


def test_what_the_contract_tolerates_is_published_and_reported(night, monkeypatch):
    """Windows-1252 once declared, `;` with a BOM and CRLF, a quoted line break, an unknown
    column, unsubscribes with an empty or invalid e-mail: published, the last two reported."""
    monkeypatch.setenv("HYGIENE_EXTRACT_ENCODING", "cp1252")
    landing = night.landing(D1)
    (landing / "extract_manifest.json").unlink()
    edit_row(landing / "crm_contacts.csv", 4, "last_name", "van der\nBerg")
    windows_1252(landing)
    bookings = landing / "bookings.csv"
    with bookings.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with bookings.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    events = landing / "consent_events.csv"
    lines = lines_of(events)
    events.write_text(
        "".join([lines[0].rstrip("\n") + ",notes\n"] + [line.rstrip("\n") + ",x\n" for line in lines[1:]]),
        encoding="utf-8",
    )
    add_unsubscribe(landing, "")
    add_unsubscribe(landing, "geen-adres")

    published = Path(run_night(night, D1))

    manifest = json.loads((published / "run_manifest.json").read_text())
    assert manifest["status"] == "published"
    assert manifest["inputs"]["crm_contacts.csv"]["rows"] == 60
    assert manifest["inputs"]["bookings.csv"]["rows"] == 124
    assert manifest["extracts"]["consent_events.csv"]["extra_columns"] == ["notes"]
    assert manifest["extracts"]["mailtool_unsubscribes.csv"]["skipped_rows"] == {
        "count": 2, "first_rows": [5, 6]}
    report = (published / "privacy_report.html").read_text()
    assert "notes" in report and "2 (rijen 5, 6)" in report


def test_a_missing_crm_export_maps_objections_through_the_previous_run_even_in_csv(night):
    """G5 with D's CRM extract gone: a contact's objection reaches its address through the
    previous run's contacts, also from a run published before the explain tables were Parquet."""
    import duckdb

    explain_tables = (night.output_root / D0).resolve() / "explain"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_parquet('{explain_tables / 'contacts.parquet'}')) "
            f"to '{explain_tables / 'contacts.csv'}' (header true)")
    objector = next(r for r in read_rows(explain_tables / "contacts.parquet")
                    if r["contact_id"] == NEW_OBJECTOR)
    (explain_tables / "contacts.parquet").unlink()
    landing = night.landing(D1)
    (landing / "extract_manifest.json").unlink()
    (landing / "crm_contacts.csv").unlink()
    add_objection(landing)

    with pytest.raises(NightFailed, match="failed in task verify_landing"):
        run_night(night, D1)

    suppressed = {(r["address"], r["purpose"]): r["reason"]
                  for r in published_rows(night.output_root / D1, "suppression_list.csv")}
    assert {p for (address, p), reason in suppressed.items()
            if address == objector["email"] and reason == "objected"} == {
        "newsletter", "offers", "partner_offers"}
