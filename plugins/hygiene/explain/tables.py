"""The `explain/` tables of one published run, read with DuckDB (filtered, not loaded).

A published run, never the disposable warehouse: `publish.LISTS` writes these tables, internal
and owner-only, under `<D>/explain/`, so a run explains itself after the warehouse is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Self

from hygiene.errors import HygieneError
from hygiene.runs import PublishedRun
from hygiene.sql_text import string_literal

if TYPE_CHECKING:
    from hygiene.explain.sentences import Voice

Row = dict[str, str | None]

EXPLAIN_FOLDER = "explain"
# The tables `publish.LISTS` writes under `<D>/explain/` (file name → what it holds).
# Compressed Parquet: a fraction of the CSV's size, and a question reads only the row groups
# whose statistics can hold the address or id asked about.
TABLE_FILES = {
    "address_decisions": "address_decisions.parquet",  # marts.fct_address_decisions
    "retention_deadlines": "retention_deadlines.parquet",  # marts.fct_retention_deadlines
    "contacts": "contacts.parquet",  # contact_id → normalised email, phone; customer_status
    "booking_links": "booking_links.parquet",  # booking_id → contact_id, link_method; R3–R5 dates
    "consent_events": "consent_events.parquet",  # event_id → contact_id, what, when, proof (M4)
    "retention_policy": "retention_policy.parquet",  # the periods the run used (R3–R10)
}
# The policy keys (retention_policy seed) whose period a rule's sentence names.
PERIOD_KEYS = {
    "R3": "minimize_after_travel_end",
    "R4": "fiscal_retention_after_book_year",
    "R5": "unconfirmed_booking_retention",
    "R7": "prospect_inactivity_retention",
    "R7_objection": "prospect_retention_after_objection",
    "R10": "consent_evidence_retention",
}
PERIOD_UNITS = ("years", "months", "days")


class ExplainTablesMissing(HygieneError):
    """The run was published without the `explain/` tables."""


@dataclass(frozen=True)
class Period:
    """A policy period as the run's own policy file gives it: 2 years, 12 months, 30 days."""

    amount: int | Decimal
    unit: str  # one of PERIOD_UNITS


class ExplainTables:
    """The `explain/` tables of one published run; refuses, in the reader's language, a run
    published before they existed or a degraded one (G5), which has none."""

    def __init__(self, run: PublishedRun, voice: Voice):
        import duckdb

        self.run = run
        self.folder = run.folder / EXPLAIN_FOLDER
        missing = [name for name in TABLE_FILES.values() if not (self.folder / name).is_file()]
        if missing and run.is_degraded:
            # G5 publishes lists, not the decisions behind them: those are the last full night's
            from hygiene.report.words import Words

            full = run.last_full_run()
            _, failure = Words(voice.language).failure(run.manifest.get("degraded") or {})
            raise ExplainTablesMissing(voice.say(
                "error.degraded_night" if full else "error.degraded_first_night",
                run_date=voice.date(run.run_date), failure=failure,
                full_date=voice.date(full) if full else "",
            ))
        if missing:
            raise ExplainTablesMissing(voice.say(
                "error.tables_missing", run_date=voice.date(run.run_date), folder=run.folder,
                missing=", ".join(missing), explain_folder=EXPLAIN_FOLDER,
                run_date_iso=run.run_date,
            ))
        self._connection = duckdb.connect()
        self._policy = {row["policy_key"]: row for row in self.select("retention_policy")}

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def select(self, table: str, where: str = "true", params: Sequence = ()) -> list[Row]:
        source = string_literal(str(self.folder / TABLE_FILES[table]))
        # as text, as the sentences read them (true/false, YYYY-MM-DD)
        result = self._connection.execute(
            f"select columns(*)::varchar from read_parquet({source}) where {where}",
            list(params),
        )
        columns = [column[0] for column in result.description]
        return [dict(zip(columns, values)) for values in result.fetchall()]

    def select_in(self, table: str, column: str, values: Iterable[str]) -> list[Row]:
        values = sorted({value for value in values if value})
        if not values:
            return []
        return self.select(table, f"{column} in ({', '.join('?' for _ in values)})", values)

    def ids_like(self, table: str, column: str, typed: str, where: str = "true") -> set[str]:
        """The ids of `column` equal to `typed` but for case: a CRM's `C1` is asked as `c1`."""
        rows = self.select(table, f"({where}) and lower({column}) = lower(?)", [typed])
        return {row[column] for row in rows}

    def period(self, rule: str) -> Period | None:
        """The period the run's policy gives a rule (`PERIOD_KEYS`); None when unreadable."""
        row = self._policy.get(PERIOD_KEYS[rule])
        if not row or row["unit"] not in PERIOD_UNITS:
            return None
        try:
            amount = Decimal(row["amount"])
        except (InvalidOperation, TypeError):
            return None
        whole = amount == amount.to_integral_value()
        return Period(int(amount) if whole else amount.normalize(), row["unit"])
