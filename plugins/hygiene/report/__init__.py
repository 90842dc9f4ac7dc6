"""The privacy officer's report for D: counts, rules, policy and checks; never an address."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from hygiene.load import connect

REPORT_FILE = "privacy_report.html"

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
    "customers": """
        select customer_status, count(*) as contacts,
            count(*) filter (where has_consent_in_force) as with_consent_in_force,
            count(*) filter (where is_legal_hold) as on_legal_hold
        from marts.dim_contacts group by all order by all
    """,
}


def write_privacy_report(
    warehouse: Path, folder: Path, run_date: str, policy, checks: dict, hold: dict
) -> Path:
    """Render `privacy_report.html` into `folder` from the marts and the check results."""
    with connect(warehouse, read_only=True) as connection:
        sections = {
            name: _rows(connection, query) for name, query in SECTIONS.items()
        }
    environment = Environment(
        loader=PackageLoader("hygiene.report"),
        autoescape=select_autoescape(),
        keep_trailing_newline=True,
    )
    html = environment.get_template("privacy_report.html.j2").render(
        run_date=run_date, policy=policy, checks=checks, hold=hold, **sections
    )
    path = folder / REPORT_FILE
    path.write_text(html, encoding="utf-8")
    path.chmod(0o600)
    return path


def _rows(connection, query: str) -> list[dict]:
    cursor = connection.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
