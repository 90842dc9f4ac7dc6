"""A tiny published run folder, written by hand (no DAG, no warehouse), for the fast tests of
`explain`, `where` and `approve-deletions`.

The people and their story (D = 2026-11-28):
  C1 customer, jan@example.nl and +31612345678: consent for e-mail newsletters (E123, proof),
     objected to e-mail offers (E456); SMS newsletter by soft opt-in from booking B12; SMS
     offers suppressed by a remembered withdrawal (M8); an unprovable grant for SMS partner
     offers (E790). Kept by R8. Bookings B12 (R3 due, R4 later) and B13 (a quote, kept by R2).
  C2 prospect, piet@example.nl: unsubscribed in the mail tool (U1); due for deletion (R7). Its
     objection E778 also suppresses +31687654321, a phone it gave only with a booking.
  C3 customer on legal hold: booking B14 kept by R1.
  B99 an unlinked quote, due for deletion (R5, R9).
  C8 deleted from the CRM; its objection E888 is still kept as evidence and now due (R10).
  old@example.nl: only a tombstone (M10) knows it.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import duckdb

from hygiene.policy import load_policy
from hygiene.report import write_report
from hygiene.report.facts import FORMAT, policy_facts
from hygiene.settings import POLICY_SEED

D = "2026-11-28"
HOLD_REASON = "1 of 3 contacts (33.3%) are due for deletion, more than the configured 2.0%"

ADDRESS_DECISIONS = (
    (
        "channel,address,purpose,is_eligible,basis,reason,since,rule,"
        "evidence_type,evidence_id,latest_event_action,latest_event_on"
    ),
    "email,jan@example.nl,newsletter,true,consent,,2024-03-01,M4,consent_event,E123,grant,2024-03-01",
    "email,jan@example.nl,offers,false,,objected,2025-06-01,M5,consent_event,E456,object,2025-06-01",
    "email,jan@example.nl,partner_offers,false,,no_basis,,M9,none,,,",
    "email,old@example.nl,newsletter,false,,objected,2024-01-01,M10,tombstone,,,",
    "email,piet@example.nl,newsletter,false,,objected,2025-09-09,M7,mailtool_unsubscribe,U1,object,2025-09-09",
    "sms,+31612345678,newsletter,true,soft_opt_in,,2023-05-01,M2,booking,B12,,",
    "sms,+31687654321,newsletter,false,,objected,2025-09-09,M5,consent_event,E778,object,2025-09-09",
    "sms,+31612345678,offers,false,,withdrawn,2025-01-02,M8,previous_run,,,",
    "sms,+31612345678,partner_offers,false,,invalid_proof,2022-01-01,M4,consent_event,E790,grant,2022-01-01",
)
RETENTION_DEADLINES = (
    "subject_type,subject_id,action,rule,due_date,kept_by,is_due,is_unlinked_booking",
    "booking,B12,delete,R4,2031-01-01,,false,false",
    "booking,B12,minimize,R3,2025-08-15,,true,false",
    "booking,B13,delete,R5,2026-03-01,R2,false,false",
    "booking,B14,delete,R4,2025-01-01,R1,false,false",
    "booking,B14,minimize,R3,2019-12-31,R1,false,false",
    "booking,B99,delete,R5,2026-01-01,,true,true",
    "consent_event,E123,delete,R10,,R8,false,false",
    "consent_event,E456,delete,R10,,R8,false,false",
    "consent_event,E777,delete,R10,2030-09-09,,false,false",
    "consent_event,E790,delete,R10,,R8,false,false",
    "consent_event,E888,delete,R10,2024-01-01,,true,false",
    "contact,C1,delete,R6,,R8,false,false",
    "contact,C2,delete,R7,2025-10-09,,true,false",
    "contact,C3,delete,R6,,R1,false,false",
)
CONTACTS = (
    "contact_id,email,phone,customer_status",
    "C1,jan@example.nl,+31612345678,customer",
    "C2,piet@example.nl,,prospect",
    "C3,,,customer",
)
BOOKING_LINKS = (
    "booking_id,contact_id,link_method,booked_on,travel_ends_on,book_year",
    "B12,C1,contact_id,2023-04-20,2023-08-15,2023",
    "B13,C1,booker_email,2025-03-01,2026-12-20,",
    "B14,C3,contact_id,2017-05-01,2017-12-31,2017",
    "B99,,unlinked,2025-01-01,,",
)
CONSENT_EVENTS = (
    (
        "event_id,contact_id,channel,purpose,action,occurred_on,event_source,has_proof,"
        "proof_ref,consent_text_version"
    ),
    "E123,C1,email,newsletter,grant,2024-03-01,double_opt_in,true,DOI-881,v3",
    "E456,C1,email,offers,object,2025-06-01,web_form,false,,",
    "E777,C2,email,all,withdraw,2025-09-09,mail_tool,false,,",
    "E778,C2,all,all,object,2025-09-09,call_center,false,,",
    "E790,C1,sms,partner_offers,grant,2022-01-01,import,false,,",
    "E888,C8,all,newsletter,object,2019-01-01,paper,false,,",
)
RETENTION_POLICY = (
    "policy_key,amount,unit,rule,legal_basis",
    "consent_evidence_retention,5.0000,years,R10,policy choice",
    "fiscal_retention_after_book_year,7.0000,years,R4,AWR art. 52 (fiscal record-keeping obligation)",
    "minimize_after_travel_end,2.0000,years,R3,Package-travel complaint limitation period",
    "prospect_inactivity_retention,12.0000,months,R7,policy choice",
    "prospect_retention_after_objection,30.0000,days,R7,policy choice",
    "unconfirmed_booking_retention,12.0000,months,R5,policy choice",
)
EXPLAIN_TABLES = {
    "address_decisions.parquet": ADDRESS_DECISIONS,
    "retention_deadlines.parquet": RETENTION_DEADLINES,
    "contacts.parquet": CONTACTS,
    "booking_links.parquet": BOOKING_LINKS,
    "consent_events.parquet": CONSENT_EVENTS,
    "retention_policy.parquet": RETENTION_POLICY,
}
DELETION_ROWS = (
    "subject_type,subject_id,action,rule,due_date",
    "booking,B12,minimize,R3,2025-08-15",
    "booking,B99,delete,R5,2026-01-01",
    "contact,C2,delete,R7,2025-10-09",
)
CONTRACT_CSVS = {
    "suppression_list.csv": "channel,address,address_sha256,purpose,reason,since",
    "suppression_list_hashed.csv": "channel,address_sha256,purpose,reason,since",
    "suppression_delta.csv": "change,channel,address_sha256,purpose,reason",
    "marketing_eligibility.csv": "channel,address,purpose,basis",
}


def write_run(
    output_root: Path, day: str = D, *, held: bool = False, explain: bool = True,
    report: bool = True,
) -> Path:
    """Publish a hand-made run of `day` under `output_root` and point `latest` at the newest;
    `report=False` leaves out the report (its PDF takes a second to render)."""
    folder = output_root / day
    folder.mkdir(parents=True)
    for name, header in CONTRACT_CSVS.items():
        (folder / name).write_text(header + "\n")
    deletion_list = "\n".join(DELETION_ROWS) + "\n"
    if held:
        (folder / "held").mkdir()
        (folder / "held" / "deletion_list.csv").write_text(deletion_list)
        (folder / "deletion_list.csv").write_text(DELETION_ROWS[0] + "\n")
    else:
        (folder / "deletion_list.csv").write_text(deletion_list)
    if report:
        write_report(folder, report_facts(day, held=held))
    if explain:
        (folder / "explain").mkdir()
        for name, lines in EXPLAIN_TABLES.items():
            write_table(folder / "explain" / name, lines)
    rows = {name: 0 for name in CONTRACT_CSVS}
    rows["deletion_list.csv"] = 0 if held else len(DELETION_ROWS) - 1
    if held:
        rows["held/deletion_list.csv"] = len(DELETION_ROWS) - 1
    manifest = {
        "run_date": day,
        "status": "held" if held else "published",
        "policy_version": "p0licy",
        "code_version": "c0de",
        "deletion_hold": deletion_hold(held),
        "outputs": {"rows": rows, "sha256": {"deletion_list.csv": "empty-list-checksum"}},
    }
    (folder / "run_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    newest = max(p.name for p in output_root.iterdir() if p.is_dir() and p.name[:2] == "20")
    link = output_root / "latest"
    if link.is_symlink():
        link.unlink()
    os.symlink(newest, link, target_is_directory=True)
    return folder


def deletion_hold(held: bool) -> dict:
    """G2's decision as hygiene.guards records it."""
    return {"held": held, "reason": HOLD_REASON if held else "", "contact_deletions": 1,
            "contacts": 3, "share": 0.333333, "max_share": 0.02, "recent_median": None}


def report_facts(day: str, *, held: bool) -> dict:
    """The facts of a report of this run (hygiene.report), as the night would gather them from
    the story above: counts only."""
    policy = load_policy(POLICY_SEED, environ={})
    hold = deletion_hold(held)
    suppressed = {("email", "offers", "objected"): 1, ("email", "partner_offers", "no_basis"): 1,
                  ("email", "newsletter", "objected"): 2, ("sms", "newsletter", "objected"): 1,
                  ("sms", "offers", "withdrawn"): 1, ("sms", "partner_offers", "invalid_proof"): 1}
    totals = {"eligible": 2, "suppressed": 7, "due": 3, "due_subjects": {"booking": 2, "contact": 1}}
    return {
        "format": FORMAT,
        "status": "held" if held else "published",
        "run_date": day,
        "language": "nl",
        "run": {"policy_version": policy.version, "code_version": "c0de", "previous_run": None,
                "inputs": {"crm_contacts.csv": {"sha256": "a" * 64, "rows": 3}}},
        "policy": policy_facts(policy),
        "hold": hold,
        "totals": totals,
        "previous": None,
        "history": [{"run_date": day, "status": "held" if held else "published",
                     "eligible": 2, "suppressed": 7}],
        "marketing": {
            "by_purpose": [
                {"channel": "email", "purpose": "newsletter", "list": "eligible", "code": "consent",
                 "addresses": 1},
                {"channel": "sms", "purpose": "newsletter", "list": "eligible",
                 "code": "soft_opt_in", "addresses": 1},
                *({"channel": channel, "purpose": purpose, "list": "suppressed", "code": reason,
                   "addresses": count} for (channel, purpose, reason), count in suppressed.items()),
            ],
            "changes": None,
        },
        "proof": {"grants": 2, "unproven": 1, "max_share": 0.25, "warn_share": 0.025,
                  "by_source": [{"event_source": "import", "grants": 1, "unproven": 1,
                                 "without_reference": 1, "without_version": 1}],
                  "by_version": [{"event_source": "import", "consent_text_version": None,
                                  "grants": 1, "unproven": 1, "without_reference": 1,
                                  "without_version": 1}],
                  "invalid_proof_addresses": 1, "review_file": "review/unproven_grants.csv"},
        "deletions": {
            "due": [
                {"subject_type": "booking", "action": "delete", "rule": "R5", "subjects": 1},
                {"subject_type": "booking", "action": "minimize", "rule": "R3", "subjects": 1},
                {"subject_type": "contact", "action": "delete", "rule": "R7", "subjects": 1},
            ],
            "upcoming": [],
            "by_month": [{"month": f"2026-{month:02d}", "rows": {}} for month in (11, 12)],
            "kept": [{"kept_by": "R1", "subject_type": "booking", "subjects": 2}],
            "overdue": [],
            "booking_links": [{"link_method": "contact_id", "bookings": 2},
                              {"link_method": "booker_email", "bookings": 1},
                              {"link_method": "unlinked", "bookings": 1}],
            "unlinked": {"bookings": 1, "total": 4, "due": 1},
            "invalid_addresses": [],
        },
        "quality": {"suites": [], "extracts": {}},
    }


def write_table(path: Path, lines) -> None:
    """An explain table as the publisher writes it (Parquet), from CSV lines, as text."""
    text = path.with_suffix(".csv")
    text.write_text("\n".join(lines) + "\n")
    with duckdb.connect() as db:
        db.execute(f"copy (select * from read_csv('{text}', all_varchar = true, header = true)) "
                   f"to '{path}' (format parquet)")
    text.unlink()


def read_rows(path: Path) -> list[dict]:
    """The rows of a published CSV, or of a Parquet table as text (empty values as "")."""
    if path.suffix == ".parquet":
        with duckdb.connect() as db:
            result = db.execute(f"select columns(*)::varchar from '{path}'")
            names = [column[0] for column in result.description]
            return [{n: v if v is not None else "" for n, v in zip(names, row, strict=True)}
                    for row in result.fetchall()]
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))
