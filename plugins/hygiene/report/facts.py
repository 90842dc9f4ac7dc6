"""What the report of one night shows, gathered as JSON-able counts: `report_facts.json`.

The facts are kept beside the report (and by G6 after the lists are pruned), so that the report
can be rendered again without the disposable warehouse: when a held list is approved (G2), and
by the next night, which compares its own counts with them. They hold counts, codes, dates,
checksums and row numbers; never an address, a name or a phone number. Every query below
aggregates: a plain address can be compared inside DuckDB (tonight's lists against the previous
run's) but never leaves it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from hygiene.language import current_language
from hygiene.load import connect
from hygiene.policy import Policy
from hygiene.publish.lists import (
    ELIGIBILITY_LIST,
    HASHED_LIST,
    SUPPRESSION_LIST,
    UNPROVEN_REVIEW,
    VALIDATION_FOLDER,
)
from hygiene.quality.suites import SUITE_NAMES
from hygiene.sql_macros import sha256_hex_sql

FACTS_FILE = "report_facts.json"
# The shape of the facts; facts of an older shape are still rendered, with "no comparison" and
# "not recorded" where they lack something.
FORMAT = 2
HISTORY_DAYS = 90
STOPS = ("objected", "withdrawn")
# Reasons (M5's order: stops first) and bases, as the report lists them.
CODE_ORDER = (*STOPS, "invalid_proof", "no_basis", "consent", "soft_opt_in")

# One aggregate per query; `$run_date` is D.
QUERIES = {
    "by_purpose": """
        select channel, purpose, 'eligible' as list, basis as code, count(*) as addresses
        from marts.marketing_eligibility group by all
        union all
        select channel, purpose, 'suppressed' as list, reason as code, count(*) as addresses
        from marts.suppression_list group by all
        order by all
    """,
    "due": """
        select subject_type, action, rule, count(*) as subjects
        from marts.deletion_list group by all order by all
    """,
    "due_subjects": """
        select subject_type, count(distinct subject_id) as subjects
        from marts.deletion_list group by all order by all
    """,
    "upcoming": """
        select subject_type, action, rule,
            count(*) filter (where due_date <= $run_date::date + 30) as within_30,
            count(*) as within_90
        from marts.fct_retention_deadlines
        where kept_by is null and due_date > $run_date::date and due_date <= $run_date::date + 90
        group by all order by all
    """,
    "by_month": """
        select strftime(due_date, '%Y-%m') as month, subject_type, action, count(*) as subjects
        from marts.fct_retention_deadlines
        where kept_by is null and due_date > $run_date::date
            and due_date < date_trunc('month', $run_date::date) + interval 12 month
        group by all order by all
    """,
    "kept": """
        select kept_by, subject_type, count(*) as subjects
        from marts.fct_retention_deadlines
        where kept_by is not null and due_date <= $run_date::date
        group by all order by all
    """,
    "overdue": """
        select status, subject_type, action, coalesce(kept_by, '') as kept_by,
            count(*) as subjects, max(days_overdue) as most_days_overdue
        from marts.overdue_deletions group by all order by all
    """,
    "booking_links": """
        select link_method, count(*) as bookings
        from intermediate.int_booking_links group by all order by all
    """,
    "unlinked_due": """
        select count(distinct subject_id) as bookings
        from marts.fct_retention_deadlines
        where subject_type = 'booking' and is_unlinked_booking and is_due
    """,
    "invalid_addresses": """
        select source_table, column_name, count(*) as values_not_normalised
        from intermediate.int_invalid_addresses group by all order by all
    """,
    "proof_by_version": """
        select event_source, consent_text_version, count(*) as grants,
            count(*) filter (where not has_proof) as unproven,
            count(*) filter (where proof_ref is null) as without_reference,
            count(*) filter (where consent_text_version is null) as without_version
        from staging.stg_crm__consent_events
        where action = 'grant'
        group by all order by all
    """,
}
# Tonight's decisions against the previous run's lists, per (code before, code now) where they
# differ; a null code is "not on that list". Suppressions match by hash (the previous hashed
# list), eligibility by address, inside DuckDB.
CHANGES = {
    "suppression": """
        with now as (select channel, address_sha256, purpose, reason from marts.suppression_list),
        before as (
            select channel, address_sha256, purpose, reason
            from read_csv($previous, header = true, all_varchar = true)
        )
        select before.reason as was, now.reason as now, count(*) as addresses
        from now full outer join before using (channel, address_sha256, purpose)
        where before.reason is distinct from now.reason
        group by all order by all
    """,
    "eligibility": """
        with now as (select channel, address, purpose, basis from marts.marketing_eligibility),
        before as (
            select channel, address, purpose, basis
            from read_csv($previous, header = true, all_varchar = true)
        )
        select before.basis as was, now.basis as now, count(*) as addresses
        from now full outer join before using (channel, address, purpose)
        where before.basis is distinct from now.basis
        group by all order by all
    """,
    # The decisions carry no hash (suppression_list computes it for the listed addresses): the
    # stops' hashes are computed here, for the stops only.
    "new_stops": f"""
        with before as (
            select channel, address_sha256, purpose, reason
            from read_csv($previous, header = true, all_varchar = true)
        ),
        now as (
            select channel, {sha256_hex_sql("address")} as address_sha256, purpose, reason, rule
            from marts.fct_address_decisions
            where reason in {STOPS}
        )
        select now.reason, now.rule, now.channel, count(*) as addresses
        from now
        left join before using (channel, address_sha256, purpose)
        where before.reason is null or before.reason not in {STOPS}
        group by all order by all
    """,
}


@dataclass(frozen=True)
class Night:
    """What a computed night hands its report: where to read, and its steps' small results."""

    warehouse: Path
    folder: Path  # the attempt's staging folder: quality/ is there
    run_date: str
    policy: Policy
    code_version: str
    inputs: dict[str, dict]  # extract file -> sha256 and rows (G4)
    extracts: dict[str, dict]  # the loader's report per file (unknown columns, skipped rows)
    checks: dict[str, dict]  # suite -> summary (hygiene.quality)
    hold: dict  # G2 (hygiene.guards), with the approval once there is one
    previous: Path | None  # the previous published run's folder
    earlier_nights: list[dict]  # runs.csv of the state after the previous run (hygiene.state)


def collect_facts(night: Night) -> dict:
    """Everything the report of a computed night shows, as JSON-able counts."""
    with connect(night.warehouse, read_only=True) as connection:
        found = {name: _rows(connection, query, run_date=night.run_date)
                 for name, query in QUERIES.items()}
        changes = _changes(connection, night.previous, found["by_purpose"])
    totals = {
        "eligible": _sum(found["by_purpose"], "addresses", list="eligible"),
        "suppressed": _sum(found["by_purpose"], "addresses", list="suppressed"),
        "due": _sum(found["due"], "subjects"),
        "due_subjects": {row["subject_type"]: row["subjects"] for row in found["due_subjects"]},
    }
    status = "held" if night.hold.get("held") else "published"
    return {
        "format": FORMAT,
        "status": status,
        "run_date": night.run_date,
        "language": current_language(),
        "run": _run(night.policy, night.code_version, night.previous, night.inputs),
        "policy": policy_facts(night.policy),
        "hold": night.hold,
        "totals": totals,
        "previous": previous_facts(night.previous),
        "history": history(night.earlier_nights, night.run_date, status, totals),
        "marketing": {"by_purpose": found["by_purpose"], "changes": changes},
        "proof": _proof(found["proof_by_version"], found["by_purpose"], night.policy),
        "deletions": {
            "due": found["due"],
            "upcoming": found["upcoming"],
            "by_month": _by_month(found["by_month"], night.run_date),
            "kept": found["kept"],
            "overdue": found["overdue"],
            "booking_links": found["booking_links"],
            "unlinked": {
                "bookings": _sum(found["booking_links"], "bookings", link_method="unlinked"),
                "total": _sum(found["booking_links"], "bookings"),
                "due": found["unlinked_due"][0]["bookings"],
            },
            "invalid_addresses": found["invalid_addresses"],
        },
        "quality": {
            "suites": [_suite(night.folder, suite, night.checks[suite])
                       for suite in SUITE_NAMES if suite in night.checks],
            "extracts": night.extracts,
        },
    }


def degraded_facts(
    run_date: str, policy: Policy, manifest: dict, code_version: str, previous: Path | None,
    earlier_nights: list[dict],
) -> dict:
    """What the report of a degraded night (G5) shows: what failed, what was still read and
    honoured, and the lists it published; nothing is due (no deletion list)."""
    rows = manifest["outputs"]["rows"]
    totals = {"eligible": rows.get(ELIGIBILITY_LIST.file), "due": None, "due_subjects": {},
              "suppressed": rows.get(SUPPRESSION_LIST.file)}
    read = manifest["degraded"]["read"]["rows"]
    inputs = {name: {"sha256": item["sha256"], "rows": read.get(name)}
              for name, item in manifest["inputs"].items()}
    return {
        "format": FORMAT,
        "status": "degraded",
        "run_date": run_date,
        "language": current_language(),
        "run": _run(policy, code_version, previous, inputs),
        "policy": policy_facts(policy),
        "degraded": manifest["degraded"],
        "totals": totals,
        "previous": previous_facts(previous),
        "history": history(earlier_nights, run_date, "degraded", totals),
    }


def policy_facts(policy: Policy) -> dict:
    """The policy as the report prints it: every setting with its bases and justifications, and
    the guards an operator overrode for this run (CONTRACT.md "Settings")."""
    return {
        "version": policy.version,
        "overdue_deletion_days": policy.overdue_deletion_days,
        "settings": [
            {**asdict(setting), "amount": f"{setting.amount.normalize():f}"}
            for setting in policy.settings
        ],
        "overrides": {
            key: {"variable": variable, "value": getattr(policy, key)}
            for key, variable in policy.overrides.items()
        },
    }


def previous_facts(previous: Path | None) -> dict | None:
    """The previous published run: its date, status and totals (None where its facts have none:
    published before the report kept them), and whether its lists are still there to compare."""
    if previous is None:
        return None
    facts_file = previous / FACTS_FILE
    facts = json.loads(facts_file.read_text()) if facts_file.is_file() else {}
    return {
        "run_date": previous.name,
        "status": facts.get("status"),
        "totals": facts.get("totals"),
    }


def history(earlier_nights: list[dict], run_date: str, status: str, totals: dict) -> list[dict]:
    """The published nights of the last 90 days, tonight included (runs.csv counts)."""
    since = (date.fromisoformat(run_date) - timedelta(days=HISTORY_DAYS)).isoformat()
    kept = [
        {"run_date": night["run_date"], "status": night.get("status"),
         **{key: int(night[key]) if night.get(key) else None for key in ("eligible", "suppressed")}}
        for night in earlier_nights
        if since < night["run_date"] < run_date
    ]
    return kept + [{"run_date": run_date, "status": status, "eligible": totals["eligible"],
                    "suppressed": totals["suppressed"]}]


# ---------------------------------------------------------------------------------- sections


def _run(policy: Policy, code_version: str, previous: Path | None, inputs: dict) -> dict:
    return {
        "policy_version": policy.version,
        "code_version": code_version,
        "previous_run": previous.name if previous else None,
        "inputs": dict(sorted(inputs.items())),
    }


def _changes(connection, previous: Path | None, by_purpose: list[dict]) -> dict | None:
    """Tonight's lists against the previous run's, per code: how many are now on it, came onto
    it, went off it; and the new withdrawals and objections by origin (M5, M7, M8, M10). None
    when there is nothing to compare with (first run, or the lists were pruned, G6)."""
    if previous is None:
        return None
    suppressions, eligibility = previous / HASHED_LIST, previous / ELIGIBILITY_LIST.file
    if not (suppressions.is_file() and eligibility.is_file()):
        return None
    return {
        "suppression": _per_code(_rows(connection, CHANGES["suppression"], previous=suppressions),
                                 by_purpose, "suppressed"),
        "eligibility": _per_code(_rows(connection, CHANGES["eligibility"], previous=eligibility),
                                 by_purpose, "eligible"),
        "new_stops": _rows(connection, CHANGES["new_stops"], previous=suppressions),
    }


def _per_code(transitions: list[dict], by_purpose: list[dict], which: str) -> list[dict]:
    """From (was, now) transitions: per code, how many now, added (now this code, before not)
    and removed (before this code, now not); stops first, in the order of M5."""
    found = ({row["code"] for row in by_purpose if row["list"] == which}
             | {row[key] for row in transitions for key in ("was", "now") if row[key]})
    codes = [code for code in CODE_ORDER if code in found] + sorted(found - set(CODE_ORDER))
    return [
        {
            "code": code,
            "now": _sum(by_purpose, "addresses", list=which, code=code),
            "added": sum(row["addresses"] for row in transitions if row["now"] == code),
            "removed": sum(row["addresses"] for row in transitions if row["was"] == code),
        }
        for code in codes
    ]


def _proof(by_version: list[dict], by_purpose: list[dict], policy: Policy) -> dict:
    """M4: grants without proof per source, and per source and text version, against the
    policy's thresholds (a run stops above the share, the report warns above a tenth of it)."""
    counted = ("grants", "unproven", "without_reference", "without_version")
    sources = sorted({row["event_source"] for row in by_version})
    by_source = [
        {"event_source": source,
         **{column: _sum(by_version, column, event_source=source) for column in counted}}
        for source in sources
    ]
    return {
        "grants": _sum(by_version, "grants"),
        "unproven": _sum(by_version, "unproven"),
        "by_source": [row for row in by_source if row["unproven"]],
        "by_version": [row for row in by_version if row["unproven"]],
        "max_share": policy.max_unproven_grant_share,
        "warn_share": policy.max_unproven_grant_share / 10,
        "invalid_proof_addresses": _sum(by_purpose, "addresses", list="suppressed",
                                        code="invalid_proof"),
        "review_file": UNPROVEN_REVIEW.file,
    }


def _by_month(rows: list[dict], run_date: str) -> list[dict]:
    """The 12 months from D's month on, each with its rows per kind (`booking.delete`), empty
    months included: a gap in the chart is a month with nothing due."""
    first = date.fromisoformat(run_date).replace(day=1)
    months = []
    for offset in range(12):
        year, month = divmod(first.month - 1 + offset, 12)
        key = f"{first.year + year:04d}-{month + 1:02d}"
        months.append({"month": key, "rows": {
            f"{row['subject_type']}.{row['action']}": row["subjects"]
            for row in rows if row["month"] == key
        }})
    return months


def _suite(folder: Path, suite: str, summary: dict) -> dict:
    """A suite's summary with every check of its results file (counts and row numbers only),
    for the report's plain-words table; the file is `quality/<suite>.json` of the run."""
    results_file = folder / VALIDATION_FOLDER / f"{suite}.json"
    saved = json.loads(results_file.read_text()) if results_file.is_file() else {}
    keys = ("frame", "file_name", "expectation", "column", "rule", "severity", "success",
            "unexpected_count", "first_rows", "observed_value", "expected_min", "expected_max",
            "error")
    return {
        **summary,
        "suite": suite,
        "results": [{key: check.get(key) for key in keys} for check in saved.get("checks", [])],
        "skipped_checks": saved.get("skipped", []),
    }


def _rows(connection, query: str, **parameters) -> list[dict]:
    used = {name: str(value) for name, value in parameters.items() if f"${name}" in query}
    cursor = connection.execute(query, used or None)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sum(rows: list[dict], column: str, **where) -> int:
    return sum(row[column] for row in rows
               if all(row.get(key) == value for key, value in where.items()))
