"""Load one night's extracts into the warehouse's `raw` schema, typed as CONTRACT.md says.

Every cell is read as text first, then each column is parsed with its declared kind. Bad input
fails the whole load with one message that names, per problem, the file, the row and the column
(G1); cell values are never quoted, since they may be personal data.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hygiene.errors import ExtractError
from hygiene.extracts import EXTRACTS, Column, Extract, Kind

TRUE_SPELLINGS = ("true", "1", "yes", "ja")
FALSE_SPELLINGS = ("false", "0", "no", "nee")

SQL_TYPES = {
    Kind.TEXT: "varchar",
    Kind.BOOLEAN: "boolean",
    Kind.DATE: "date",
    Kind.TIMESTAMP: "timestamptz",
    Kind.DECIMAL: "decimal(14,2)",
}


def parse_sql(kind: Kind, text: str) -> str:
    """SQL parsing trimmed, non-empty `text` as `kind`; null means the text is invalid."""
    if kind is Kind.BOOLEAN:
        return (
            f"case when lower({text}) in {TRUE_SPELLINGS} then true "
            f"when lower({text}) in {FALSE_SPELLINGS} then false end"
        )
    if kind is Kind.DATE:
        return f"case when regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') then try_cast({text} as date) end"
    if kind is Kind.TIMESTAMP:
        # ISO 8601; DuckDB reads a value without offset in the session time zone (Amsterdam).
        return (
            f"case when regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([T ].*)?') "
            f"then try_cast({text} as timestamptz) end"
        )
    if kind is Kind.DECIMAL:
        # A decimal comma is accepted: Dutch spreadsheet exports write 1234,50.
        return f"try_cast(replace({text}, ',', '.') as decimal(14,2))"
    return text


_EXPECTED_FORMAT = {
    Kind.BOOLEAN: "a boolean (true/false, 1/0, yes/no, ja/nee)",
    Kind.DATE: "a date YYYY-MM-DD",
    Kind.TIMESTAMP: "an ISO 8601 timestamp",
    Kind.DECIMAL: "a decimal amount",
}


@dataclass(frozen=True)
class LoadedExtract:
    name: str
    rows: int


def connect(warehouse: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse), read_only=read_only)
    connection.execute("set TimeZone = 'Europe/Amsterdam'")
    return connection


def load_extracts(landing: Path, warehouse: Path) -> list[LoadedExtract]:
    """Load every extract of `landing` into `raw.<name>`; raise ExtractError listing all problems."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    loaded: list[LoadedExtract] = []
    with connect(warehouse) as connection:
        connection.execute("create schema if not exists raw")
        for extract in EXTRACTS:
            path = landing / extract.file_name
            if not path.is_file() and extract.optional_file:
                _create_empty(connection, extract)
                loaded.append(LoadedExtract(extract.name, 0))
                continue
            file_problems = _load_one(connection, extract, path)
            problems.extend(file_problems)
            if not file_problems:
                rows = connection.execute(f"select count(*) from raw.{extract.name}").fetchone()[0]
                loaded.append(LoadedExtract(extract.name, rows))
        connection.execute("drop schema if exists landing_text cascade")
    if problems:
        raise ExtractError(
            f"{len(problems)} problem(s) in the extracts of {landing}; nothing was published "
            "and the previous lists stay in place. Fix the export and rerun:\n- "
            + "\n- ".join(problems)
        )
    return loaded


def _load_one(connection: duckdb.DuckDBPyConnection, extract: Extract, path: Path) -> list[str]:
    text_table = f"landing_text.{extract.name}"
    connection.execute("create schema if not exists landing_text")
    delimiter, header = _read_header(path)
    # The header, read here, is the schema: a row with more or fewer fields is an error (with
    # its line) instead of a silently widened table.
    columns = "{" + ", ".join(f"'{_quote(name)}': 'varchar'" for name in header) + "}"
    try:
        connection.execute(
            f"create or replace table {text_table} as "
            "select row_number() over () as source_row, * from read_csv(?, header = true, "
            f"columns = {columns}, delim = ?, quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, auto_detect = false, encoding = 'utf-8')",
            [str(path), delimiter],
        )
    except duckdb.Error as error:
        return [f"{path.name}: unreadable CSV ({_describe(error)})"]

    missing = [c.name for c in extract.columns if c.required and c.name not in header]
    if missing:
        return [f"{path.name}, header: required column(s) {', '.join(missing)} missing"]

    problems = [
        problem
        for column in extract.columns
        if column.name in header
        for problem in _column_problems(connection, text_table, path.name, column)
    ]
    if extract.key and extract.key in header:
        problems.extend(_duplicate_key_problems(connection, text_table, path.name, extract.key))
    if not problems:
        _create_typed(connection, extract, text_table, header)
    return problems


def _read_header(path: Path) -> tuple[str, list[str]]:
    """The delimiter (`,` or `;`, CONTRACT.md: Dutch spreadsheets use `;`) and column names."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        line = handle.readline()
    delimiter = ";" if line.count(";") > line.count(",") else ","
    header = next(csv.reader([line], delimiter=delimiter), [])
    return delimiter, [name.strip() for name in header]


def _quote(name: str) -> str:
    return name.replace("'", "''")


def _describe(error: Exception) -> str:
    """DuckDB's message names the line and the field counts; the line quoting the row itself
    (personal data) and the generic advice are dropped."""
    lines = str(error).strip().splitlines()
    counts = [line for line in lines if line.startswith("Expected Number of Columns")]
    return "; ".join([lines[0], *counts])


def _trimmed(column: Column) -> str:
    return f"nullif(trim(\"{column.name}\"), '')"


def _column_problems(
    connection: duckdb.DuckDBPyConnection, table: str, file_name: str, column: Column
) -> list[str]:
    parsed = parse_sql(column.kind, "value")
    empty_count, first_empty, bad_count, first_bad = connection.execute(
        f"""
        with cells as (select source_row, {_trimmed(column)} as value from {table}),
        checked as (select source_row, value, {parsed} as parsed from cells)
        select
            count(*) filter (where value is null),
            min(source_row) filter (where value is null),
            count(*) filter (where value is not null and parsed is null),
            min(source_row) filter (where value is not null and parsed is null),
        from checked
        """
    ).fetchone()
    problems = []
    if column.required and empty_count:
        problems.append(
            f"{file_name}, row {first_empty} (line {first_empty + 1}), column {column.name}: "
            f"required value is empty ({empty_count} row(s) in all)"
        )
    if bad_count:
        problems.append(
            f"{file_name}, row {first_bad} (line {first_bad + 1}), column {column.name}: "
            f"not {_EXPECTED_FORMAT[column.kind]} ({bad_count} row(s) in all)"
        )
    return problems


def _duplicate_key_problems(
    connection: duckdb.DuckDBPyConnection, table: str, file_name: str, key: str
) -> list[str]:
    duplicates, first_row, first_of = connection.execute(
        f"""
        with keyed as (
            select source_row, min(source_row) over (partition by "{key}") as first_row
            from {table} where nullif(trim("{key}"), '') is not null
        )
        select count(*), min(source_row), arg_min(first_row, source_row)
        from keyed where source_row > first_row
        """
    ).fetchone()
    if not duplicates:
        return []
    return [
        (
            f"{file_name}, row {first_row} (line {first_row + 1}), column {key}: duplicate key, "
            f"already used in row {first_of} ({duplicates} duplicate row(s) in all)"
        )
    ]


def _typed_expression(column: Column, header: list[str]) -> str:
    if column.name not in header:
        source = "null" if column.default is None else f"'{column.default}'"
    else:
        source = _trimmed(column)
        if column.default is not None:
            source = f"coalesce({source}, '{column.default}')"
    return f"({parse_sql(column.kind, source)})::{SQL_TYPES[column.kind]} as \"{column.name}\""


def _create_typed(
    connection: duckdb.DuckDBPyConnection, extract: Extract, text_table: str, header: list[str]
) -> None:
    columns = ",\n    ".join(_typed_expression(c, header) for c in extract.columns)
    connection.execute(
        f"create or replace table raw.{extract.name} as "
        f"select source_row, {columns} from {text_table} order by source_row"
    )


def _create_empty(connection: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    columns = ", ".join(f'"{c.name}" {SQL_TYPES[c.kind]}' for c in extract.columns)
    connection.execute(
        f"create or replace table raw.{extract.name} (source_row bigint, {columns})"
    )


# State that outlives the disposable warehouse (M8, M10): read back from the last published run.
PREVIOUS_SUPPRESSIONS_COLUMNS = "channel varchar, address varchar, purpose varchar, reason varchar, since date"
TOMBSTONE_COLUMNS = "channel varchar, address_hmac varchar, purpose varchar, reason varchar, since date"
TOMBSTONES_FILE = Path("state") / "tombstones.csv"


def load_state(previous_run: Path | None, warehouse: Path) -> dict[str, int]:
    """Fill `raw.previous_suppressions` (M8) and `raw.tombstones` (M10) from the previous run.

    `previous_run` is the published folder of the latest run before D, or None on a first run.
    """
    sources = {
        "previous_suppressions": (
            PREVIOUS_SUPPRESSIONS_COLUMNS,
            previous_run / "suppression_list.csv" if previous_run else None,
            "where reason in ('objected', 'withdrawn')",
        ),
        "tombstones": (
            TOMBSTONE_COLUMNS,
            previous_run / TOMBSTONES_FILE if previous_run else None,
            "",
        ),
    }
    counts: dict[str, int] = {}
    with connect(warehouse) as connection:
        connection.execute("create schema if not exists raw")
        for table, (columns, path, condition) in sources.items():
            connection.execute(f"create or replace table raw.{table} ({columns})")
            if path is not None and path.is_file():
                typed = ", ".join(
                    f"nullif({name}, '')::{sql_type}"
                    for name, sql_type in (c.split() for c in columns.split(", "))
                )
                connection.execute(
                    f"insert into raw.{table} select {typed} from read_csv(?, header = true, "
                    f"all_varchar = true) {condition}",
                    [str(path)],
                )
            counts[table] = connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
    return counts
