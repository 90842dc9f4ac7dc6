"""G2 approval: after a person reviewed D's held deletion list, make it D's `deletion_list.csv`.

Holding the output folder's lock, the held list is copied into place atomically (a temporary
file, then `os.replace`), the report is rendered again so that it no longer says "held", the
state remembers the approval (G3 counts from it), and `run_manifest.json` records who approved
when (Europe/Amsterdam) with the list's new checksum, written last and atomically too: a reader
sees either the held run or the approved one, never half of it. The held copy stays under
`held/` as the record of what was reviewed. A second decision about the same D is refused; a
rejection is recorded the same way and deletes nothing.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hygiene import state
from hygiene.errors import HygieneError
from hygiene.landing import sha256_of
from hygiene.language import current_language
from hygiene.publish import HELD_DELETION_LIST, MANIFEST_FILE, PUBLISHED, layout, write_manifest
from hygiene.report import REPORT_FILES, rewrite_report
from hygiene.report.render import hold_reason
from hygiene.report.words import Words
from hygiene.runs import DELETION_LIST_FILE, PublishedRun, find_run

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class ApprovalRefused(HygieneError):
    """There is nothing to approve for D, or it was approved already."""


@dataclass(frozen=True)
class HeldList:
    """What a person approves: the held list of D, counted by rule and by subject."""

    run: PublishedRun
    rows: int
    rows_by_rule: dict[tuple[str, str, str], int]  # (subject_type, action, rule) -> rows
    subjects: dict[str, int]  # subject_type -> distinct ids

    def lines(self) -> list[str]:
        hold = self.run.deletion_hold
        lines = [
            (f"The deletion list of {self.run.run_date} is held for approval (G2): "
            f"{hold.get('reason') or 'it is larger than usual'}."),
            f"It has {self.rows:,} rows about {self._subject_words()}:",
            *(
                f"  {rows:>9,}  {subject_type} {action} ({rule})"
                for (subject_type, action, rule), rows in sorted(self.rows_by_rule.items())
            ),
            "A row is one subject and one action: a booking can be listed twice (minimize by R3,",
            "delete by R4), and a contact's consent events are listed on their own (R10).",
            f"The list itself: {self.run.held_deletion_list}",
        ]
        return lines

    def _subject_words(self) -> str:
        words = {"contact": "contacts", "booking": "bookings", "consent_event": "consent events"}
        return ", ".join(
            f"{count:,} {words.get(kind, kind)}" for kind, count in sorted(self.subjects.items())
        )


def approval_request(held: HeldList, ui_prefix: str = "/hygiene") -> tuple[str, str]:
    """The question the approval DAG asks in Airflow's "Required actions", in the privacy
    officer's language (HYGIENE_LANGUAGE, Dutch by default): a subject, and a Markdown body
    with why G2 held the list, the counts by rule and links to the held list and the report
    (pages of the UI plugin, hygiene.ui)."""
    day = held.run.run_date
    words = Words(current_language())
    reason = hold_reason(held.run.deletion_hold, words) or words("approval.larger_than_usual")
    subjects = ", ".join(f"{words.number(count)} {words.code('subject', kind)}"
                         for kind, count in sorted(held.subjects.items()))
    body = [
        words("approval.held", day=day, reason=reason),
        "",
        words("approval.rows", rows=words.number(held.rows), subjects=subjects),
        "",
        words("approval.columns"),
        "|---|---|---|---:|",
        *(
            f"| {words.code('subject', kind)} | {words.code('action', action)} | {rule} "
            f"| {words.number(rows)} |"
            for (kind, action, rule), rows in sorted(held.rows_by_rule.items())
        ),
        "",
        words("approval.links", day=day, held=f"{ui_prefix}/held/{day}",
              report=f"{ui_prefix}/runs/{day}/privacy_report.html"),
        "",
        words("approval.choices"),
    ]
    return words("approval.subject", day=day), "\n".join(body)


@dataclass(frozen=True)
class Approval:
    run_date: str
    deletion_list: Path
    rows: int
    sha256: str
    approved_by: str
    approved_at: str


def held_list(output_root: Path, run_date: str) -> HeldList:
    """D's held deletion list, counted for the person who is to approve it."""
    run = find_run(output_root, run_date)
    _check_approvable(run)
    by_rule: Counter = Counter()
    subjects: dict[str, set[str]] = {}
    with run.held_deletion_list.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_rule[(row["subject_type"], row["action"], row["rule"])] += 1
            subjects.setdefault(row["subject_type"], set()).add(row["subject_id"])
    return HeldList(
        run=run,
        rows=sum(by_rule.values()),
        rows_by_rule=dict(by_rule),
        subjects={kind: len(ids) for kind, ids in subjects.items()},
    )


def approve_deletions(
    output_root: Path, run_date: str, approved_by: str, *, now: datetime | None = None
) -> Approval:
    """Publish D's held deletion list as D's `deletion_list.csv` and record who approved it."""
    if not approved_by.strip():
        raise ApprovalRefused("Say who approves the deletion list: --by NAME.")
    with layout.locked(output_root):
        run = find_run(output_root, run_date)
        _check_approvable(run)
        target = run.folder / DELETION_LIST_FILE
        layout.write_owner_only(target, run.held_deletion_list.read_bytes())
        rows = _data_rows(target)
        checksum = sha256_of(target)

        # The one clock reading in the package: when the approval happened is an audit fact about
        # a person's act, not an input to any decision, so a rerun of D still gives the same lists.
        approved_at = (now or datetime.now(AMSTERDAM)).astimezone(AMSTERDAM)
        hold = {
            **run.deletion_hold,
            "approved": True,
            "approved_by": approved_by.strip(),
            "approved_at": approved_at.isoformat(timespec="seconds"),
        }
        state.approve_deletions(output_root, run.run_date, target)
        rewrite_report(run.folder, hold=hold, status=PUBLISHED)
        manifest = run.manifest
        manifest["status"] = PUBLISHED
        manifest["deletion_hold"] = hold
        outputs = manifest.setdefault("outputs", {})
        outputs.setdefault("rows", {})[DELETION_LIST_FILE] = rows
        checksums = outputs.setdefault("sha256", {})
        checksums[DELETION_LIST_FILE] = checksum
        _record_report_checksums(run.folder, checksums)
        write_manifest(run.folder / MANIFEST_FILE, manifest)
    return Approval(run.run_date, target, rows, checksum, hold["approved_by"], hold["approved_at"])


def reject_deletions(
    output_root: Path, run_date: str, rejected_by: str, *, now: datetime | None = None
) -> str:
    """Record that a person rejected D's held deletion list: nothing of it is deleted, D's
    `deletion_list.csv` stays empty, the report says who rejected it when. Returns that time."""
    if not rejected_by.strip():
        raise ApprovalRefused("Say who rejects the deletion list.")
    with layout.locked(output_root):
        run = find_run(output_root, run_date)
        _check_approvable(run)
        rejected_at = (now or datetime.now(AMSTERDAM)).astimezone(AMSTERDAM)
        hold = {
            **run.deletion_hold,
            "rejected": True,
            "rejected_by": rejected_by.strip(),
            "rejected_at": rejected_at.isoformat(timespec="seconds"),
        }
        rewrite_report(run.folder, hold=hold)
        manifest = run.manifest
        manifest["deletion_hold"] = hold
        checksums = manifest.setdefault("outputs", {}).setdefault("sha256", {})
        _record_report_checksums(run.folder, checksums)
        write_manifest(run.folder / MANIFEST_FILE, manifest)
    return hold["rejected_at"]


def _record_report_checksums(folder: Path, checksums: dict) -> None:
    for name in REPORT_FILES:
        if (folder / name).is_file():
            checksums[name] = sha256_of(folder / name)


def _check_approvable(run: PublishedRun) -> None:
    hold = run.deletion_hold
    if hold.get("rejected"):
        raise ApprovalRefused(
            f"The deletion list of {run.run_date} was rejected, by {hold.get('rejected_by')} at "
            f"{hold.get('rejected_at')}: nothing of it is deleted. Nothing was changed."
        )
    if hold.get("approved"):
        raise ApprovalRefused(
            f"The deletion list of {run.run_date} was approved already, by "
            f"{hold.get('approved_by')} at {hold.get('approved_at')}: "
            f"{run.folder / DELETION_LIST_FILE} is the approved list. Nothing was changed."
        )
    if not hold.get("held") or not run.held_deletion_list.is_file():
        raise ApprovalRefused(
            f"The deletion list of {run.run_date} was not held (G2): there is no "
            f"{run.folder / HELD_DELETION_LIST} to approve, and {DELETION_LIST_FILE} is already "
            "the day's list. Nothing was changed."
        )


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)  # without the header
