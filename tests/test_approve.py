"""G2 approval (`hygiene approve-deletions`): a held deletion list becomes the day's
`deletion_list.csv` only after a person reviewed it, with the manifest recording who and the
list's checksum."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from hygiene.approve import (
    ApprovalRefused,
    approval_request,
    approve_deletions,
    held_list,
    reject_deletions,
)
from hygiene.landing import sha256_of
from hygiene.report import rewrite_report
from hygiene.runs import RunNotFound
from published_run import DELETION_ROWS, HOLD_REASON, D, read_rows, write_run


def manifest_of(folder):
    return json.loads((folder / "run_manifest.json").read_text())


def test_g2_approval_publishes_the_held_list_and_records_its_checksum(tmp_path):
    folder = write_run(tmp_path / "out", held=True)
    held_bytes = (folder / "held" / "deletion_list.csv").read_bytes()

    approval = approve_deletions(tmp_path / "out", D, "Privacy Officer")

    assert (folder / "deletion_list.csv").read_bytes() == held_bytes
    assert [r["subject_id"] for r in read_rows(folder / "deletion_list.csv")] == ["B12", "B99", "C2"]
    assert stat.S_IMODE((folder / "deletion_list.csv").stat().st_mode) == 0o600
    assert (folder / "held" / "deletion_list.csv").read_bytes() == held_bytes  # what was reviewed
    manifest = manifest_of(folder)
    hold = manifest["deletion_hold"]
    assert hold["held"] is True and hold["approved"] is True
    assert hold["approved_by"] == "Privacy Officer"
    assert hold["approved_at"].endswith(("+01:00", "+02:00"))  # Europe/Amsterdam
    assert hold["reason"].startswith("1 of 3 contacts")  # the hold itself is kept
    assert manifest["outputs"]["sha256"]["deletion_list.csv"] == sha256_of(folder / "deletion_list.csv")
    assert manifest["outputs"]["rows"]["deletion_list.csv"] == len(DELETION_ROWS) - 1 == approval.rows
    assert stat.S_IMODE((folder / "run_manifest.json").stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no temp left


def test_g2_approval_is_refused_the_second_time_and_changes_nothing(tmp_path):
    folder = write_run(tmp_path / "out", held=True)
    approve_deletions(tmp_path / "out", D, "Privacy Officer")
    before = (folder / "run_manifest.json").read_bytes()
    with pytest.raises(ApprovalRefused, match="approved already, by Privacy Officer"):
        approve_deletions(tmp_path / "out", D, "Someone Else")
    assert (folder / "run_manifest.json").read_bytes() == before


def test_g2_approval_is_refused_when_the_list_was_not_held(tmp_path):
    folder = write_run(tmp_path / "out", held=False)
    before = (folder / "deletion_list.csv").read_bytes(), (folder / "run_manifest.json").read_bytes()
    with pytest.raises(ApprovalRefused, match="was not held"):
        approve_deletions(tmp_path / "out", D, "Privacy Officer")
    assert ((folder / "deletion_list.csv").read_bytes(), (folder / "run_manifest.json").read_bytes()) == before


def test_g2_approval_of_a_day_that_was_never_published_is_refused(tmp_path):
    write_run(tmp_path / "out", held=True)
    with pytest.raises(RunNotFound, match="No published run for 2026-11-01"):
        approve_deletions(tmp_path / "out", "2026-11-01", "Privacy Officer")


def test_g2_approval_needs_a_name(tmp_path):
    write_run(tmp_path / "out", held=True)
    with pytest.raises(ApprovalRefused, match="--by NAME"):
        approve_deletions(tmp_path / "out", D, "  ")


def test_g2_approval_is_recorded_at_the_time_in_amsterdam(tmp_path):
    write_run(tmp_path / "out", held=True)
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    approval = approve_deletions(tmp_path / "out", D, "Privacy Officer", now=summer)
    assert approval.approved_at == "2026-07-01T12:00:00+02:00"


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_g2_approval_renders_the_report_and_its_pdf_again_without_the_hold(tmp_path):
    folder = write_run(tmp_path / "out", held=True)
    for text in ((folder / "privacy_report.html").read_text(), pdf_text(folder / "privacy_report.pdf")):
        assert "Vastgehouden voor goedkeuring (G2)" in text
    summer = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
    approve_deletions(tmp_path / "out", D, "Privacy Officer", now=summer)
    for text in ((folder / "privacy_report.html").read_text(), pdf_text(folder / "privacy_report.pdf")):
        assert "Vastgehouden voor goedkeuring" not in text
        assert "verwijderlijst goedgekeurd (G2)" in text
        assert "Goedgekeurd door Privacy Officer op 1 december 2026 om 10:05" in text
    manifest = manifest_of(folder)
    assert manifest["status"] == "published"
    for name in ("privacy_report.html", "privacy_report.pdf", "report_facts.json"):
        assert manifest["outputs"]["sha256"][name] == sha256_of(folder / name)
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_rewrite_report_renders_html_and_pdf_again_with_any_change_of_its_facts(tmp_path):
    """A rejection of a held list will render the report again too, with changes of its own."""
    folder = write_run(tmp_path / "out", held=True)
    assert rewrite_report(folder, language="en", status="published") == folder / "privacy_report.html"
    assert '<html lang="en">' in (folder / "privacy_report.html").read_text()
    assert "Privacy report of 28 November 2026" in pdf_text(folder / "privacy_report.pdf")
    assert json.loads((folder / "report_facts.json").read_text())["language"] == "en"


def test_g3_an_approval_is_remembered_in_the_state_for_overdue_deletions(tmp_path):
    write_run(tmp_path / "out", held=True)
    approve_deletions(tmp_path / "out", D, "Privacy Officer")
    remembered = tmp_path / "out" / "state" / "approved" / f"{D}.csv"
    assert [r["subject_id"] for r in read_rows(remembered)] == ["B12", "B99", "C2"]


def test_g2_held_list_is_counted_by_rule_and_subject_for_the_person_who_approves(tmp_path):
    write_run(tmp_path / "out", held=True)
    held = held_list(tmp_path / "out", D)
    assert held.rows == 3
    assert held.rows_by_rule == {("booking", "minimize", "R3"): 1, ("booking", "delete", "R5"): 1,
                                 ("contact", "delete", "R7"): 1}
    text = "\n".join(held.lines())
    assert "It has 3 rows about 2 bookings, 1 contacts:" in text
    assert "A row is one subject and one action" in text


def test_g2_a_rejection_is_recorded_and_deletes_nothing(tmp_path):
    folder = write_run(tmp_path / "out", held=True)
    empty = (folder / "deletion_list.csv").read_bytes()
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert reject_deletions(tmp_path / "out", D, "Privacy Officer", now=summer) == (
        "2026-07-01T12:00:00+02:00")
    assert (folder / "deletion_list.csv").read_bytes() == empty
    hold = manifest_of(folder)["deletion_hold"]
    assert hold["rejected"] and hold["rejected_by"] == "Privacy Officer"
    report = (folder / "privacy_report.html").read_text()
    assert "verwijderlijst afgewezen (G2)" in report and 'id="deletion-rejected"' in report
    assert "Vastgehouden voor goedkeuring" not in report
    with pytest.raises(ApprovalRefused, match="was rejected, by Privacy Officer"):
        approve_deletions(tmp_path / "out", D, "Someone Else")
    assert not (tmp_path / "out" / "state" / "approved").exists()  # G3 counts nothing rejected


def test_g2_the_approval_question_counts_by_rule_and_links_the_list(tmp_path):
    write_run(tmp_path / "out", held=True)
    subject, body = approval_request(held_list(tmp_path / "out", D))
    assert subject == f"Verwijderlijst van {D} goedkeuren?"
    assert "| contacten | verwijderen | R7 | 1 |" in body
    assert f"(/hygiene/held/{D})" in body and f"(/hygiene/runs/{D}/privacy_report.html)" in body
    # why G2 held it, in the privacy officer's words and numbers, not the data team's log line
    assert "1 van de 3 contacten (33,3%) staan op de lijst, meer dan de ingestelde 2%" in body
    assert HOLD_REASON not in body


def test_g2_the_approval_question_follows_the_report_language(tmp_path, monkeypatch):
    write_run(tmp_path / "out", held=True, report=False)
    monkeypatch.setenv("HYGIENE_LANGUAGE", "en")
    subject, body = approval_request(held_list(tmp_path / "out", D))
    assert subject == f"Approve the deletion list of {D}?"
    assert "1 of 3 contacts (33.3%) are on the list, more than the configured 2%" in body
    assert "| contacts | delete | R7 | 1 |" in body
