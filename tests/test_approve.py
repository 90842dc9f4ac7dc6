"""G2 approval (`python -m hygiene approve-deletions`): a held deletion list becomes the day's
`deletion_list.csv` only after a person reviewed it, with the manifest recording who and the
list's checksum."""

from __future__ import annotations

import json
import stat

import pytest

from hygiene.approve import ApprovalRefused, approve_deletions
from hygiene.landing import sha256_of
from hygiene.runs import RunNotFound
from published_run import DELETION_ROWS, D, read_rows, write_run


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
    assert hold["approved_at"].endswith("+00:00")  # UTC, an audit fact only
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
