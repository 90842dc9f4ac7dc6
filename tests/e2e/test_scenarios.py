"""Scenario end-to-end test: proof that the DAG applies RULES.md, row by row.

`tests/scenarios/landing/` is a hand-made landing folder for D = 2026-11-28: one contact (or a
small group) per situation of RULES.md. `tests/scenarios/expected/` holds every row that
suppression_list.csv, marketing_eligibility.csv and deletion_list.csv must contain for it,
worked out from RULES.md by hand (never copied from a pipeline run); the `#` lines of those files
say, per scenario, which rule gives which row and why. The extracts carry an extra `scenario`
column (CONTRACT.md: unknown columns are ignored) naming the situation of each row.

The DAG runs once (module fixture, `airflow dags test` as `make run` does) with the G2 share test
off (`HYGIENE_DELETION_HOLD_SHARE=1`): the scenarios delete far more than 2 % of their 53 contacts
on purpose. Rows are compared as sets of tuples; a failure lists the missing and unexpected rows
with the scenario comment that explains the expected ones.

| scenario | contacts / subjects | situation | rule(s) |
|---|---|---|---|
| S01 | C01 | double opt-in grant for newsletter | M4, M5.2 consent |
| S02 | C02 | grant without proof_ref | M4, M5.4 invalid_proof |
| S03 | C03 | import "receives newsletter since 2019" without proof | M4 invalid_proof; R10 |
| S04 | C04 | withdraw after a provable grant | M5.1 withdrawn |
| S05 | C05 | sms object after grant (phone) | M5.1 objected |
| S06 | C06 | withdraw and grant on the same day | M5.1 tie -> withdrawn |
| S07 | C07 | object and withdraw on the same day | M5.1 object wins the tie |
| S08 | C08 | provable grant after a withdrawal | M5 restores consent |
| S09 | C09 | object channel `all`, purpose `all` (e-mail and phone) | M5 `all` |
| S10 | C10, B10 | soft opt-in customer, e-mail and sms; unsubscribe after D | M2, M4 |
| S11 | C11, B11 | booking without opt-out offered | M2(b) |
| S12 | C12, B12 | quote only | M3 |
| S13 | C13 | newsletter signup only | M3, M9 |
| S14 | C14, B14 | booker e-mail differs from CRM e-mail | M2(a) |
| S15 | C15, B15 | objection reaches the booker e-mail too | M2(d), M5 |
| S16 | C16, B16 | booking linked only by (differently cased) booker e-mail | R9 link, M2, R6 |
| S17 | C17A, C17B, B17 | booker e-mail shared by two contacts: unlinked | R9, R3, R4 |
| S18 | C18A, C18B | two contacts share an address, one objects | M6, R8 |
| S19 | C19, B19 | mail-tool unsubscribe without purpose, other casing | M7 |
| S20 | C20, B20 | mail-tool unsubscribe for newsletter | M7 |
| S21 | (none) | address known only from the mail tool | M7, M9 |
| S22 | C22, B22A, B22B | cancellation after confirmation | R3, R4 (not R5) |
| S23 | C23, B23 | return 2024-02-29 + 2 years = 2026-02-28 | R3, "Terms" |
| S24 | C24, B24A, B24B | invoice in the year after confirmation | R4 |
| S25 | C25, B25 | old customer past the fiscal term, no consent | R4, R6 |
| S26 | C26 | prospect inactive for 12 months | R7 |
| S27 | C27 | prospect objected more than 30 days ago | R7 30 days |
| S28 | C28, B28, E28-1 | legal hold | R1 (and no soft opt-in from held data) |
| S29 | C29, B29 | option with travel after D | R2 |
| S30 | C30, B30A, B30B | future trip keeps that booking and the contact, not an old booking | R2, R3, R4 |
| S31 | C31, B31 | consent in force keeps the profile | R8, R3, R4 |
| S32 | E32-1, E32-2, E32B-1 | consent events of deleted prospects | R10 5 years |
| S33 | C33, E33-1 | 2026-11-28T23:30Z is 29 November in Amsterdam: ignored | "Terms", M4 |
| S34 | C34, E34-1 | 2026-11-27T23:30Z is 28 November: counts, since = D | "Terms", M5 |
| S35 | C35 | invalid e-mail, invalid phone, invalid unsubscribe | "Address", M9 |
| S36 | C36, B36 | invalid booker e-mail; no booker phone -> contact's phone | M2(a) |
| S37 | C37, C37B, B37 | `06 …`, `+31 6 …`, `0031…`: one address | "Address", M6 |
| S38 | C38, E38-1 | grant dated after D | M4 |
| S39 | C39, B39, B39C | old quote, cancellation never confirmed, inactive prospect | R5, R7 |
| S40 | B40 | unknown contact_id, unmatched booker e-mail | R9, R5 |
| S41 | C41 | unprovable grant (no text version) after a withdrawal | M4, M5.1 |
| S43 | C43 | prospect whose latest event is a mail-tool unsubscribe | M7, R7 30 days |
| S44 | C44, B44 | booker phone differs; `+31 (0)6 …`; no travel dates | M2(a), R3 |
| S45 | C45 | withdraw `all`, then a provable grant for one purpose | M5 per purpose, R8 |
| S46 | C46 | created late in UTC: due on D itself | "Terms", R7 |
| S47 | C47 | created late in UTC: due the day after D | "Terms", R7 |
| S48 | C48, E48-1 | long-due prospect still in the CRM | R7, R10 |
| S49 | C49, B49A, B49B | customer whose bookings are all due | R4, R5, R6 (latest date) |
| S50 | C50, B50 | option departing on D, no return date | R2 |
| S51 | C51, B51A-C | minimize due on D / the day after; UTC invoice on 31 Dec | R3, R4 |
| S53 | C53, B53 | status `completed` without confirmed_at | "Terms", M3, R5 |
| S55 | C55, B55 | only booking cancelled after confirmation; Belgian phone | M2, "Address" |
| S56 | C56, B56 | confirmed in the night after D | M3, R5/R6 |
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from airflow_runner import Folders, run_dag

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

D = "2026-11-28"
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
LANDING = SCENARIOS / "landing"
EXPECTED = SCENARIOS / "expected"
PURPOSES = {"newsletter", "offers", "partner_offers"}

SUPPRESSION_COLUMNS = ["channel", "address", "address_sha256", "purpose", "reason", "since"]
ELIGIBILITY_COLUMNS = ["channel", "address", "purpose", "basis"]
DELETION_COLUMNS = ["subject_type", "subject_id", "action", "rule", "due_date"]

# Raw values of the extracts that do not normalise (S35, S36): they must appear in no output.
INVALID_VALUES = ("jan.s35@@example", "12345", "s36 at example.nl", "not-an-email")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One run of the DAG for D on the scenario landing folder; returns D's output folder."""
    root = tmp_path_factory.mktemp("scenarios")
    folders = Folders(root / "landing", root / "output", root / "warehouse")
    shutil.copytree(LANDING, folders.landing_root / D)
    started = time.monotonic()
    result = run_dag(D, folders, extra_env={"HYGIENE_DELETION_HOLD_SHARE": "1"})
    print(f"scenario run of the DAG took {time.monotonic() - started:.0f} s")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return folders.output_root / D


# ---------------------------------------------------------------------------- reading rows


def read_published(path: Path, columns: list[str]) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == columns, f"{path.name}: columns {reader.fieldnames}"
        return [tuple(row[c] for c in columns) for row in reader]


def deletion_list_path(folder: Path) -> Path:
    """The day's deletion list, or the held one when G2 held it (then the day's is empty)."""
    held = folder / "held" / "deletion_list.csv"
    return held if held.is_file() else folder / "deletion_list.csv"


class Expected:
    """An expectation file: CSV whose `#` lines explain the rows below them."""

    def __init__(self, name: str, columns: list[str]):
        self.name = name
        self.rows: list[tuple[str, ...]] = []
        self.why: dict[tuple[str, ...], str] = {}  # row -> the first line of its comment block
        comment, last_was_comment = "", False
        lines = (EXPECTED / name).read_text(encoding="utf-8").splitlines()
        data = []
        for line in lines:
            if line.startswith("#"):
                if not last_was_comment:
                    comment = line.lstrip("# ").strip()
                last_was_comment = True
                continue
            last_was_comment = False
            if line.strip():
                data.append((line, comment))
        header, *body = data
        assert next(csv.reader([header[0]])) == [c for c in columns if c != "address_sha256"]
        for line, why in body:
            row = tuple(next(csv.reader([line])))
            assert len(row) == len(columns) - ("address_sha256" in columns), f"{name}: {line}"
            self.rows.append(row)
            self.why[row] = why
        duplicates = {row for row in self.rows if self.rows.count(row) > 1}
        assert not duplicates, f"{name}: duplicate expected rows {sorted(duplicates)}"


def with_sha256(row: tuple[str, ...]) -> tuple[str, ...]:
    """channel, address, purpose, reason, since -> the published column order with the hash."""
    channel, address, purpose, reason, since = row
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()
    return channel, address, digest, purpose, reason, since


def assert_same_rows(
    name: str,
    expected: set[tuple[str, ...]],
    actual: list[tuple[str, ...]],
    why: dict[tuple[str, ...], str],
    subject: int,
) -> None:
    """Compare as sets; on a difference list missing/unexpected rows with their scenario."""
    duplicates = sorted({row for row in actual if actual.count(row) > 1})
    missing = sorted(expected - set(actual))
    unexpected = sorted(set(actual) - expected)
    if not (missing or unexpected or duplicates):
        return
    why_by_subject = {row[subject]: text for row, text in why.items()}

    def line(row: tuple[str, ...], explanation: str | None) -> str:
        text = ",".join(row)
        return f"    {text}" + (f"\n        ({explanation})" if explanation else "")

    report = [
        (
            f"{name} differs from tests/scenarios/expected/{name} ({len(missing)} missing, "
            f"{len(unexpected)} unexpected, {len(duplicates)} duplicated):"
        )
    ]
    if missing:
        report.append("  missing (expected by RULES.md, not published):")
        report += [line(row, why.get(row)) for row in missing]
    if unexpected:
        report.append("  unexpected (published, not expected):")
        report += [line(row, why_by_subject.get(row[subject])) for row in unexpected]
    if duplicates:
        report.append("  published more than once:")
        report += [line(row, None) for row in duplicates]
    pytest.fail("\n".join(report), pytrace=False)


# ---------------------------------------------------------------------------- one test per list


def test_suppression_list_has_exactly_the_expected_rows(published):
    expected = Expected("suppression_list.csv", SUPPRESSION_COLUMNS)
    rows = {with_sha256(row) for row in expected.rows}
    why = {with_sha256(row): text for row, text in expected.why.items()}
    actual = read_published(published / "suppression_list.csv", SUPPRESSION_COLUMNS)
    assert_same_rows("suppression_list.csv", rows, actual, why, subject=1)


def test_marketing_eligibility_has_exactly_the_expected_rows(published):
    expected = Expected("marketing_eligibility.csv", ELIGIBILITY_COLUMNS)
    actual = read_published(published / "marketing_eligibility.csv", ELIGIBILITY_COLUMNS)
    assert_same_rows(
        "marketing_eligibility.csv", set(expected.rows), actual, expected.why, subject=1
    )


def test_deletion_list_has_exactly_the_expected_rows(published):
    expected = Expected("deletion_list.csv", DELETION_COLUMNS)
    actual = read_published(deletion_list_path(published), DELETION_COLUMNS)
    assert_same_rows("deletion_list.csv", set(expected.rows), actual, expected.why, subject=1)


# ---------------------------------------------------------------------------- invariants


def test_invariants_that_hold_whatever_the_rules_decide(published):
    """CONTRACT.md's shape of the lists, independent of which rule decided a row."""
    suppressed = read_published(published / "suppression_list.csv", SUPPRESSION_COLUMNS)
    eligible = read_published(published / "marketing_eligibility.csv", ELIGIBILITY_COLUMNS)
    deletions = read_published(deletion_list_path(published), DELETION_COLUMNS)
    hashed = read_published(
        published / "suppression_list_hashed.csv",
        ["channel", "address_sha256", "purpose", "reason", "since"],
    )
    problems: list[str] = []

    # Every known address x purpose is in exactly one of the two lists (CONTRACT, M9), and every
    # address listed at all has all three purposes.
    keys = [(c, a, p) for c, a, _, p, _, _ in suppressed] + [(c, a, p) for c, a, p, _ in eligible]
    problems += [
        f"in both lists or twice: {k}" for k in sorted({k for k in keys if keys.count(k) > 1})
    ]
    purposes: dict[tuple[str, str], set[str]] = {}
    for channel, address, purpose in keys:
        purposes.setdefault((channel, address), set()).add(purpose)
    problems += [f"{k}: purposes {sorted(v)}" for k, v in sorted(purposes.items()) if v != PURPOSES]

    # Addresses are normalised ("Address"); invalid values never appear.
    for channel, address in purposes:
        pattern = r"[^@\s]+@[^@\s]+\.[a-z]{2,}" if channel == "email" else r"\+[1-9][0-9]{7,14}"
        if (
            channel not in ("email", "sms")
            or not re.fullmatch(pattern, address)
            or address != address.strip().lower()
        ):
            problems.append(f"not a normalised {channel} address: {address!r}")
    texts = [
        (published / name).read_text(encoding="utf-8")
        for name in (
            "suppression_list.csv",
            "marketing_eligibility.csv",
            "suppression_list_hashed.csv",
        )
    ]
    problems += [
        f"invalid value {v!r} published"
        for v in INVALID_VALUES
        if any(re.search(rf"(^|,){re.escape(v)}(,|$)", t, re.MULTILINE) for t in texts)
    ]

    # Suppression rows: hash of the address, a reason, `since` empty exactly for no_basis, <= D.
    for channel, address, digest, purpose, reason, since in suppressed:
        row = (channel, address, purpose, reason, since)
        if digest != hashlib.sha256(address.encode("utf-8")).hexdigest():
            problems.append(f"address_sha256 is not sha256(address): {row}")
        if reason not in ("objected", "withdrawn", "invalid_proof", "no_basis"):
            problems.append(f"unknown reason: {row}")
        if (since == "") != (reason == "no_basis") or (since and since > D):
            problems.append(f"`since` wrong for its reason or after D: {row}")
    # The hashed list is the same rows without the plain address.
    if sorted(hashed) != sorted((c, h, p, r, s) for c, _, h, p, r, s in suppressed):
        problems.append("suppression_list_hashed.csv is not suppression_list.csv without addresses")

    # Eligibility: a basis; soft opt-in never for partner_offers (M2).
    for row in eligible:
        if row[3] not in ("consent", "soft_opt_in"):
            problems.append(f"unknown basis: {row}")
        if row[3] == "soft_opt_in" and row[2] == "partner_offers":
            problems.append(f"soft opt-in for partner_offers: {row}")

    # Deletion rows: due on or before D, and the action and rule fit the subject.
    allowed = {
        ("booking", "minimize"): {"R3"},
        ("booking", "delete"): {"R4", "R5"},
        ("contact", "delete"): {"R6", "R7"},
        ("consent_event", "delete"): {"R10"},
    }
    for row in deletions:
        subject_type, _, action, rule, due_date = row
        if rule not in allowed.get((subject_type, action), set()):
            problems.append(f"rule does not fit subject and action: {row}")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due_date) or due_date > D:
            problems.append(f"due_date missing or after D: {row}")
    keys = [r[:3] for r in deletions]
    problems += [f"listed twice: {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]

    # Rows are sorted by their leading columns (CONTRACT "Output").
    for name, rows in (
        ("suppression_list.csv", suppressed),
        ("marketing_eligibility.csv", eligible),
        ("deletion_list.csv", deletions),
    ):
        if rows != sorted(rows):
            problems.append(f"{name} is not sorted by its leading columns")

    # The deletion list was published, not held (HYGIENE_DELETION_HOLD_SHARE=1), and says so.
    manifest = json.loads((published / "run_manifest.json").read_text())
    if manifest["deletion_hold"]["held"]:
        problems.append(f"G2 held the deletion list: {manifest['deletion_hold']['reason']}")
    if manifest["run_date"] != D:
        problems.append(f"manifest run_date {manifest['run_date']}")

    assert not problems, "\n".join(problems)
