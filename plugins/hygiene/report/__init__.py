"""The privacy officer's report for D: counts, rules, policy and checks; never an address."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from hygiene.load import connect
from hygiene.policy import Policy
from hygiene.publish import write_manifest

REPORT_FILE = "privacy_report.html"
# Counts only: what the report is rendered from, kept beside it (and kept by G6) so that it can be
# rendered again once the disposable warehouse is gone.
FACTS_FILE = "report_facts.json"

# Each section is one aggregate over the marts; the report shows counts, never rows.
SECTIONS = {
    "suppression": """
        select channel, purpose, reason, count(*) as addresses
        from marts.suppression_list group by all order by all
    """,
    "eligibility": """
        select channel, purpose, basis, count(*) as addresses
        from marts.marketing_eligibility group by all order by all
    """,
    "deletions": """
        select subject_type, action, rule, count(*) as subjects
        from marts.deletion_list group by all order by all
    """,
    "invalid_addresses": """
        select source_table, column_name, channel, count(*) as values_not_normalised
        from intermediate.int_invalid_addresses group by all order by all
    """,
    "booking_links": """
        select link_method, count(*) as bookings
        from intermediate.int_booking_links group by all order by all
    """,
    "overdue_deletions": """
        select status, subject_type, action, coalesce(kept_by, '') as kept_by,
            count(*) as subjects, max(days_overdue) as most_days_overdue
        from marts.overdue_deletions group by all order by all
    """,
    "customers": """
        select customer_status, count(*) as contacts,
            count(*) filter (where has_consent_in_force) as with_consent_in_force,
            count(*) filter (where is_legal_hold) as on_legal_hold
        from marts.dim_contacts group by all order by all
    """,
}


def collect_facts(
    warehouse: Path, run_date: str, policy: Policy, checks: dict, hold: dict, extracts: dict
) -> dict:
    """Everything the report of a computed night shows, as JSON-able counts: the marts'
    aggregates, the checks, the G2 hold and the loader's report per file (unknown columns,
    skipped rows: names and row numbers only)."""
    with connect(warehouse, read_only=True) as connection:
        sections = {name: _rows(connection, query) for name, query in SECTIONS.items()}
    return {
        "status": "held" if hold.get("held") else "published",
        "run_date": run_date,
        "policy": policy_facts(policy),
        "checks": checks,
        "hold": hold,
        "extracts": extracts,
        **sections,
    }


def degraded_facts(run_date: str, policy: Policy, manifest: dict) -> dict:
    """What the report of a degraded night (G5) shows: what failed, what was still read and
    honoured, what was published."""
    return {"status": "degraded", "run_date": run_date, "policy": policy_facts(policy),
            "degraded": manifest["degraded"], "outputs": manifest["outputs"]}


def policy_facts(policy: Policy) -> dict:
    return {
        "version": policy.version,
        "overdue_deletion_days": policy.overdue_deletion_days,
        "settings": [
            {**asdict(setting), "amount": f"{setting.amount.normalize():f}"}
            for setting in policy.settings
        ],
    }


def write_report(folder: Path, facts: dict) -> Path:
    """Render the report into `folder`, beside the facts it was rendered from (counts only),
    so that it can be rendered again when the night's hold is approved (G2)."""
    write_manifest(folder / FACTS_FILE, facts)
    template = "degraded_report.html.j2" if facts["status"] == "degraded" else "privacy_report.html.j2"
    environment = Environment(
        loader=PackageLoader("hygiene.report"),
        autoescape=select_autoescape(),
        keep_trailing_newline=True,
    )
    html = environment.get_template(template).render(**facts)
    path = folder / REPORT_FILE
    temporary = path.with_name(f".{REPORT_FILE}.partial")
    temporary.write_text(html, encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
    return path


def rewrite_report(folder: Path, **changes) -> Path | None:
    """Render a published night's report again with `changes` to its facts (an approval); None
    for a run published before its facts were kept."""
    if not (folder / FACTS_FILE).is_file():
        return None
    facts = json.loads((folder / FACTS_FILE).read_text())
    return write_report(folder, {**facts, **changes})


def _rows(connection, query: str) -> list[dict]:
    cursor = connection.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
