"""The nightly DAG end to end on generated extracts (issue "Foundation"; CONTRACT.md, G1, G4)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest

from airflow_runner import PROJECT_ROOT, Folders, run_dag
from hygiene.generate import generate_landing

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

D = "2026-11-28"
CONTRACT_COLUMNS = {
    "suppression_list.csv": ["channel", "address", "address_sha256", "purpose", "reason", "since"],
    "suppression_list_hashed.csv": ["channel", "address_sha256", "purpose", "reason", "since"],
    "suppression_delta.csv": ["change", "channel", "address_sha256", "purpose", "reason"],
    "marketing_eligibility.csv": ["channel", "address", "purpose", "basis"],
    "deletion_list.csv": ["subject_type", "subject_id", "action", "rule", "due_date"],
}


def header_of(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return next(csv.reader(handle))


def csv_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One generated landing folder for D and one run of the DAG on it."""
    root = tmp_path_factory.mktemp("night")
    folders = Folders(root / "landing", root / "output", root / "warehouse")
    generate_landing(folders.landing_root / D, date.fromisoformat(D), contacts=400)
    result = run_dag(D, folders)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    (root / "dags_test.log").write_text(result.stdout + result.stderr)  # the task logs, inline
    return folders


# Files whose job is to hold addresses (owner-only): everything else must hold none.
ADDRESS_FILES = ("suppression_list.csv", "marketing_eligibility.csv", "exports", "explain")


def test_run_publishes_every_contract_file_with_the_documented_columns(night):
    published = night.output_root / D
    for name, columns in CONTRACT_COLUMNS.items():
        assert header_of(published / name) == columns, name
    assert (published / "privacy_report.html").is_file()
    assert (night.output_root / "latest").resolve() == published.resolve()


def test_g4_manifest_names_d_versions_and_input_checksums(night):
    manifest = json.loads((night.output_root / D / "run_manifest.json").read_text())
    assert manifest["run_date"] == D
    assert manifest["policy_version"] and manifest["code_version"]
    landing = night.landing_root / D
    announced = json.loads((landing / "extract_manifest.json").read_text())["files"]
    for name, item in announced.items():
        assert manifest["inputs"][name]["sha256"] == item["sha256"]
        assert manifest["inputs"][name]["rows"] == item["rows"]
    for name in CONTRACT_COLUMNS:
        assert name in manifest["outputs"]["sha256"]


def test_the_runs_note_in_airflow_says_where_the_night_was_published(night):
    """hygiene.run_note: the listener wrote `make run`'s closing sentence into the run's note
    (found by this test's own output folder: other tests run nights of D in the same database)."""
    with sqlite3.connect(PROJECT_ROOT / ".airflow" / "airflow.db") as db:
        notes = [note for (note,) in db.execute(
            "select n.content from dag_run_note n join dag_run r on r.id = n.dag_run_id"
            " where r.dag_id = 'retention_nightly' and n.content like ?",
            (f"Published {D}: {night.output_root}%",))]
    assert len(notes) == 1
    assert re.search(r"— [\d,]+ suppressed, [\d,]+ eligible, [\d,]+ deletion rows", notes[0])


def test_every_known_address_is_in_exactly_one_list(night):
    published = night.output_root / D
    with (published / "suppression_list.csv").open() as handle:
        suppressed = {(r["channel"], r["address"], r["purpose"]) for r in csv.DictReader(handle)}
    with (published / "marketing_eligibility.csv").open() as handle:
        eligible = {(r["channel"], r["address"], r["purpose"]) for r in csv.DictReader(handle)}
    assert suppressed and eligible
    assert not suppressed & eligible


def test_rerun_of_the_same_day_is_byte_identical(night):
    before = csv_bytes(night.output_root / D)
    manifest_before = (night.output_root / D / "run_manifest.json").read_bytes()
    result = run_dag(D, night)
    assert result.returncode == 0, result.stdout[-3000:]
    assert csv_bytes(night.output_root / D) == before
    manifest_after = (night.output_root / D / "run_manifest.json").read_bytes()
    assert json.loads(manifest_after) == json.loads(manifest_before)  # a readable difference
    assert manifest_after == manifest_before


def test_g1_g5_a_broken_extract_fails_naming_file_row_and_column_and_publishes_degraded(night, tmp_path):
    next_day = "2026-11-29"
    landing = night.landing_root / next_day
    shutil.copytree(night.landing_root / D, landing)
    (landing / "extract_manifest.json").unlink()  # a source without a manifest
    bookings = landing / "bookings.csv"
    lines = bookings.read_text().splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[4] = "gisteren"  # booked_at of data row 5 is no timestamp
    lines[5] = ",".join(fields)
    bookings.write_text("".join(lines))

    result = run_dag(next_day, night)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "bookings.csv, row 5 (line 6), column booked_at: not an ISO 8601 timestamp" in output
    assert_degraded(night, next_day, failed_task="load_raw")


@pytest.mark.browser
def test_privacy_report_renders_in_a_browser_with_counts_and_no_personal_data(night, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    report = night.output_root / D / "privacy_report.html"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         report.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert "Privacyrapport van 28 november 2026" in dom
    for section in ("glance", "by-purpose", "deletions", "checks", "policy", "run"):
        assert f'id="{section}"' in dom, section
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", dom)  # no e-mail address anywhere in the page
    with (night.output_root / D / "suppression_list.csv").open() as handle:
        some_addresses = [row["address"] for row, _ in zip(csv.DictReader(handle), range(50))]
    assert not any(address in dom for address in some_addresses)


def assert_degraded(night: Folders, day: str, failed_task: str) -> None:
    """G5: the failed night published a degraded D: the previous suppressions at least, no
    deletion row, `latest` on it, the manifest saying why."""
    published = night.output_root / day
    manifest = json.loads((published / "run_manifest.json").read_text())
    assert manifest["status"] == "degraded"
    assert manifest["degraded"]["failed_task"] == failed_task
    assert header_of(published / "deletion_list.csv") == CONTRACT_COLUMNS["deletion_list.csv"]
    assert len((published / "deletion_list.csv").read_text().splitlines()) == 1
    with (night.output_root / D / "suppression_list.csv").open() as handle:
        good = {(r["channel"], r["address"], r["purpose"]) for r in csv.DictReader(handle)}
    with (published / "suppression_list.csv").open() as handle:
        degraded = {(r["channel"], r["address"], r["purpose"]) for r in csv.DictReader(handle)}
    assert good <= degraded  # never a suppression less
    assert os.readlink(night.output_root / "latest") == day


def personal_data(landing: Path) -> set[str]:
    """The generated e-mail addresses (as typed and normalised), phone numbers and full names."""
    values: set[str] = set()
    with (landing / "crm_contacts.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            values |= {row["email"].strip(), row["email"].strip().lower(), phone(row["phone"])}
            values.add(f"{row['first_name']} {row['last_name']}".strip())
    with (landing / "bookings.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            values |= {row["booker_email"].strip(), phone(row["booker_phone"])}
    return {value for value in values if len(value) >= 8}


def phone(typed: str) -> str:
    """A phone number as typed; "" for the generator's unusable "onbekend", which is a word of
    the Dutch report, not anybody's number."""
    return typed.strip() if any(character.isdigit() for character in typed) else ""


def test_no_personal_data_in_task_logs_xcom_checks_report_or_state(night):
    """DESIGN.md: counts, ids and paths only, anywhere but the lists that must hold addresses."""
    secrets = personal_data(night.landing_root / D)
    assert len(secrets) > 500
    texts = {"task logs": (night.output_root.parent / "dags_test.log").read_text()}
    with sqlite3.connect(PROJECT_ROOT / ".airflow" / "airflow.db") as db:
        texts["xcom"] = "\n".join(str(value) for (value,) in db.execute(
            "select value from xcom where dag_id = 'retention_nightly'"))
        texts["dag run notes"] = "\n".join(str(note) for (note,) in db.execute(
            "select content from dag_run_note"))
    assert "warehouse" in texts["xcom"]  # the run's XCom was found
    for path in sorted(night.output_root.rglob("*")):
        parts = path.relative_to(night.output_root).parts
        if path.is_file() and not any(part in ADDRESS_FILES for part in parts):
            texts[str(path.relative_to(night.output_root))] = path.read_bytes().decode(errors="replace")
    assert any("quality" in name for name in texts) and any("state" in name for name in texts)
    found = {(where, secret) for where, text in texts.items() for secret in secrets if secret in text}
    assert not found, sorted(found)[:10]
