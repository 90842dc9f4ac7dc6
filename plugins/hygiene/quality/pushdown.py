"""Row-level expectations pushed down to DuckDB: GX judges only the rows that could break one.

A table frame's checked columns as pandas are gigabytes at ten million contacts (13 GiB in
`check_raw`, bench/results.md), while a good night has no row that breaks anything. So for each
expectation that judges rows one at a time, DuckDB selects the rows that could break it: a
predicate as wide as the expectation or wider, never narrower. GX then judges those rows with the
expectation itself, so the counts and row numbers in a result are still GX's. Row counts are
judged on a frame of the table's length without columns, which costs no memory.

An expectation this module does not know, or one with `mostly` (a share needs every row), makes
the whole frame be read as before (hygiene.quality.frames).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hygiene.quality.suites import ExpectationSpec
from hygiene.sql_text import identifier

# Judged on the table's row count alone.
TABLE_LEVEL = frozenset({"expect_table_row_count_to_equal", "expect_table_row_count_to_be_between"})
# Judged on column names alone: any rows will do, none included.
SCHEMA_LEVEL = frozenset({"expect_column_to_exist"})
_FLOATING = ("FLOAT", "DOUBLE", "REAL")


@dataclass(frozen=True)
class Predicate:
    """SQL that is true for every row that could break an expectation, with its parameters."""

    sql: str
    parameters: Mapping[str, Any]


def can_push_down(expectations: Sequence[ExpectationSpec]) -> bool:
    known = TABLE_LEVEL | SCHEMA_LEVEL | ROW_LEVEL
    return all(e.type in known and "mostly" not in e.kwargs for e in expectations)


def suspect_predicate(
    expectations: Sequence[ExpectationSpec], table: str, column_types: Mapping[str, str]
) -> Predicate:
    """One predicate for the rows any of the row-level `expectations` could fail on.

    An expectation on a column the table lacks adds nothing: GX fails it on the missing column.
    """
    parts: list[str] = []
    parameters: dict[str, Any] = {}
    for index, expectation in enumerate(expectations):
        column = expectation.column
        if expectation.type not in ROW_LEVEL or column not in column_types:
            continue
        parameter = f"p{index}"
        parts.append(_could_break(expectation, identifier(column), column_types[column], table,
                                  parameter))
        if "value_set" in expectation.kwargs:
            parameters[parameter] = list(expectation.kwargs["value_set"])
    return Predicate(" or ".join(f"({part})" for part in parts) or "false", parameters)


ROW_LEVEL = frozenset({
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_unique",
})


def _could_break(
    expectation: ExpectationSpec, column: str, data_type: str, table: str, value_set: str
) -> str:
    match expectation.type:
        case "expect_column_values_to_not_be_null":
            # pandas counts a floating NaN as missing where DuckDB does not: a suspect too.
            if data_type.upper().startswith(_FLOATING):
                return f"{column} is null or isnan({column})"
            return f"{column} is null"
        case "expect_column_values_to_be_in_set":
            # GX leaves nulls to the not-null expectations; so does this predicate.
            return f"{column} is not null and not list_contains(${value_set}, {column})"
        case "expect_column_values_to_be_unique":
            # Every row of a repeated value, as GX marks them; nulls are not compared.
            return (f"{column} in (select {column} from {table} where {column} is not null "
                    f"group by {column} having count(*) > 1)")
    raise ValueError(f"{expectation.type} is not a row-level expectation")
