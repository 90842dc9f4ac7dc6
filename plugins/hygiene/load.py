"""Load one night's extracts into the warehouse's `raw` schema, typed as CONTRACT.md says.

Every cell is read as text and parsed with its column's declared kind, once, as the file is
read. Bad input fails the whole load with one message that names, per problem, the file, the row
and the column (G1); cell values are never quoted, since they may be personal data. What the
contract tolerates is loaded and reported instead: columns it does not know (not loaded: they
may hold personal data nobody agreed to) and unsubscribes whose e-mail can stop no one (skipped,
with their rows).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb

from hygiene.csv_text import extract_encoding, read_header, readable_utf8
from hygiene.duckdb_settings import configure, use_amsterdam_time
from hygiene.errors import ExtractError
from hygiene.extracts import EXTRACTS, Column, Extract, Kind
from hygiene.sql_macros import normalize_sql
from hygiene.sql_text import identifier, string_literal

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


# How DuckDB's CSV reader says a file is not UTF-8 (tests/test_bad_inputs.py reads such files).
_NOT_UTF8_MESSAGE = "Invalid unicode"


class _NotUtf8(Exception):
    """DuckDB refused the file as UTF-8: csv_text.readable_utf8 decides what to read instead."""


# Row numbers of skipped rows a report and the manifest name (the rest are counted).
SHOWN_ROWS = 20


@dataclass(frozen=True)
class LoadedExtract:
    name: str
    rows: int
    extra_columns: tuple[str, ...] = ()  # in the file, unknown to the contract: not loaded
    skipped_rows: tuple[int, ...] = ()  # rows that can stop no one (first SHOWN_ROWS)
    skipped_count: int = 0

    def report(self) -> dict:
        """For run_manifest.json and the report: names and row numbers, never values."""
        return {
            "rows": self.rows,
            "extra_columns": list(self.extra_columns),
            "skipped_rows": {"count": self.skipped_count, "first_rows": list(self.skipped_rows)},
        }


def connect(warehouse: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse), read_only=read_only)
    try:
        use_amsterdam_time(connection)
        configure(connection)
    except BaseException:
        connection.close()  # a bad setting must not keep the warehouse's one writer lock
        raise
    return connection


def load_extracts(landing: Path, warehouse: Path) -> list[LoadedExtract]:
    """Load every extract of `landing` into `raw.<name>`; raise ExtractError listing all problems.

    A file that is not UTF-8 is read in the encoding the operator declared
    (HYGIENE_EXTRACT_ENCODING), from a UTF-8 copy beside the warehouse. DuckDB's reader checks
    the UTF-8 as it reads, so a UTF-8 file, the usual night, is read once: only a file it refuses
    is decoded in Python, to name the line of the first bad byte or to make that copy.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    encoding = extract_encoding()
    scratch = warehouse.with_name(f"{warehouse.stem}.text")
    problems: list[str] = []
    loaded: list[LoadedExtract] = []
    try:
        with connect(warehouse) as connection:
            connection.execute("create schema if not exists raw")
            for extract in EXTRACTS:
                path = landing / extract.file_name
                if not path.is_file() and extract.optional_file:
                    _create_empty(connection, extract)
                    loaded.append(LoadedExtract(extract.name, 0))
                    continue
                try:
                    result = _load_file(connection, extract, path, encoding, scratch)
                except ExtractError as error:
                    problems.append(str(error))
                    continue
                if isinstance(result, LoadedExtract):
                    loaded.append(result)
                else:
                    problems.extend(result)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if problems:
        raise ExtractError(
            f"{len(problems)} problem(s) in the extracts of {landing}; the lists were not "
            "published from them (G1). Fix the export and rerun:\n- " + "\n- ".join(problems)
        )
    return loaded


def _load_file(
    connection: duckdb.DuckDBPyConnection, extract: Extract, path: Path, encoding: str,
    scratch: Path,
) -> LoadedExtract | list[str]:
    """`_load_one` of the file as it is; only a file DuckDB refused as UTF-8 is read again, as
    `readable_utf8` says (outside the `except`, so no error carries DuckDB's)."""
    try:
        return _load_one(connection, extract, path)
    except _NotUtf8:
        pass
    return _load_one(connection, extract, readable_utf8(path, encoding, scratch))


def _load_one(
    connection: duckdb.DuckDBPyConnection, extract: Extract, path: Path
) -> LoadedExtract | list[str]:
    """The loaded extract, or the problems that stop it from loading."""
    delimiter, header = read_header(path)
    if not any(header):
        return [
            (f"{path.name}: the file is empty, not even a header line; the export failed, ask "
            "for it again.")
        ]
    missing = [c.name for c in extract.columns if c.required and c.name not in header]
    if missing:
        return [f"{path.name}, header: required column(s) {', '.join(missing)} missing"]
    parsed = _Parsed(extract, header)
    try:
        connection.execute(parsed.create_sql(), [str(path), delimiter])
    except duckdb.Error as error:
        if _NOT_UTF8_MESSAGE in str(error):
            # without its cause: DuckDB's message quotes the row (personal data)
            raise _NotUtf8 from None
        return [f"{path.name}: unreadable CSV ({_describe(error)})"]
    try:
        return _check_and_type(connection, parsed, path.name)
    finally:
        # An extract's parsed rows are held until its typed table is written, no longer: at
        # 10,000,000 contacts the text of the extracts before it cost the load 17-19 s and
        # 0.8-1 GiB (docs/decisions.md, 64, 69).
        parsed.drop(connection)


@dataclass(frozen=True)
class _Check:
    """What every row of a column must satisfy (G1); `failing` is true where a row does not."""

    column: Column
    problem: str  # how the message names a failing row's value
    failing: str  # SQL over the trimmed cell


def _flag(n: int) -> str:
    """The column of the parsed table that is true where a row fails the `n`th check."""
    return f"check_{n}"


@dataclass(frozen=True)
class _Parsed:
    """One extract read once: every cell trimmed and parsed as its kind, beside a flag per check
    that says whether the row fails it (`check_<n>`) and, for an extract that skips rows without
    an address, whether the row is skipped. A temporary table (memory, spilled to disk when
    large) in the file's order; only the rows that pass are written to the warehouse.

    Parsing each cell once, as it is read, replaced reading the text into a table, checking it
    and parsing it again to type it (docs/decisions.md, 69)."""

    extract: Extract
    header: list[str]

    @property
    def table(self) -> str:
        return f"{self.extract.name}_parsed"

    @property
    def kept(self) -> str:  # the rows to load, numbered (`source_row`)
        return f"{self.extract.name}_kept"

    @cached_property
    def checks(self) -> list[_Check]:
        """The checks in one order, which numbers their flags (`create_sql`) and their counts
        (`_column_problems`)."""
        checks = []
        for column in self.extract.columns:
            if column.name not in self.header or column.name == self.skip_column:
                continue  # a missing column has its default; an address is checked by skipping
            cell = identifier(column.name)
            if column.required:
                checks.append(_Check(column, "required value is empty", f"{cell} is null"))
            if column.kind is not Kind.TEXT:
                checks.append(_Check(
                    column, f"not {_EXPECTED_FORMAT[column.kind]}",
                    f"{cell} is not null and ({parse_sql(column.kind, cell)}) is null",
                ))
        return checks

    @property
    def skip_column(self) -> str | None:
        return self.extract.skip_rows_without_address

    def create_sql(self) -> str:
        """The statement creating `table` from the file and its delimiter (two parameters).

        The header, read before, is the schema: a row with more or fewer fields is an error
        (with its line) instead of a silently widened table. Columns the contract does not know
        are not read."""
        columns = "{" + ", ".join(f"{string_literal(name)}: 'varchar'" for name in self.header) + "}"
        cells = [
            f"nullif(trim({identifier(c.name)}), '') as {identifier(c.name)}"
            for c in self.extract.columns if c.name in self.header
        ]
        selected = [_typed_expression(column, self.header) for column in self.extract.columns]
        selected += [f"{check.failing} as {_flag(n)}" for n, check in enumerate(self.checks)]
        if self.skip_column:
            # an empty or invalid address can stop no one: the row is skipped (CONTRACT.md)
            cells.append(
                f"({normalize_sql('email', identifier(self.skip_column))}) is null as skipped"
            )
            selected.append("skipped")
        return (
            f"create or replace temp table {self.table} as "
            f"with cells as (select {', '.join(cells)} from read_csv(?, header = true, "
            f"columns = {columns}, delim = ?, quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, auto_detect = false, encoding = 'utf-8')) "
            f"select {', '.join(selected)} from cells"
        )

    def drop(self, connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute(f"drop view if exists {self.kept}")
        connection.execute(f"drop table if exists {self.table}")


def _check_and_type(
    connection: duckdb.DuckDBPyConnection, parsed: _Parsed, file_name: str
) -> LoadedExtract | list[str]:
    """`raw.<name>` typed from the parsed extract, or the problems that stop it (G1)."""
    extract = parsed.extract
    skipped = _rows_without_address(connection, parsed)
    problems = _column_problems(connection, parsed, file_name)
    if extract.key and extract.key in parsed.header:
        problems.extend(_duplicate_key_problems(connection, parsed.kept, file_name, extract.key))
    if problems:
        return problems
    rows = _create_typed(connection, extract, parsed.kept)
    known = {column.name for column in extract.columns}
    return LoadedExtract(
        extract.name,
        rows,
        extra_columns=tuple(name for name in parsed.header if name not in known),
        skipped_rows=tuple(skipped[:SHOWN_ROWS]),
        skipped_count=len(skipped),
    )


def _rows_without_address(connection: duckdb.DuckDBPyConnection, parsed: _Parsed) -> list[int]:
    """Define `parsed.kept`, the rows to load with their number in the file (`source_row`), and
    return the numbers of the rows left out: an empty or invalid address can stop no one.

    The number is the rowid + 1: the parallel reader keeps the file's order, and the rowid of a
    table created at once and never changed is its position (no window over all rows)."""
    numbered = f"select rowid + 1 as source_row, * from {parsed.table}"
    if parsed.skip_column is None:
        connection.execute(f"create or replace temp view {parsed.kept} as {numbered}")
        return []
    connection.execute(f"create or replace temp view {parsed.kept} as {numbered} where not skipped")
    return [row for (row,) in connection.execute(
        f"select rowid + 1 as source_row from {parsed.table} where skipped order by source_row"
    ).fetchall()]


def _describe(error: Exception) -> str:
    """DuckDB's message names the line and the field counts; the line quoting the row itself
    (personal data) and the generic advice are dropped."""
    lines = str(error).strip().splitlines()
    counts = [line for line in lines if line.startswith("Expected Number of Columns")]
    return "; ".join([lines[0], *counts])


def _column_problems(
    connection: duckdb.DuckDBPyConnection, parsed: _Parsed, file_name: str
) -> list[str]:
    """Per check, the count and the first row of the rows that fail it: all checks in one pass
    over their flags."""
    checks = parsed.checks
    if not checks:
        return []
    measures = []
    for n in range(len(checks)):
        measures += [f"count(*) filter (where {_flag(n)})", f"min(source_row) filter (where {_flag(n)})"]
    found = connection.execute(f"select {', '.join(measures)} from {parsed.kept}").fetchone()
    problems = []
    for n, check in enumerate(checks):
        count, first = found[2 * n: 2 * n + 2]
        if count:
            problems.append(
                f"{file_name}, row {first} (line {first + 1}), column {check.column.name}: "
                f"{check.problem} ({count} row(s) in all)"
            )
    return problems


def _duplicate_key_problems(
    connection: duckdb.DuckDBPyConnection, rows: str, file_name: str, key: str
) -> list[str]:
    keyed = f"select source_row, {identifier(key)} as key from {rows} where {identifier(key)} is not null"
    (unique,) = connection.execute(
        f"select count(*) = count(distinct key) from ({keyed})").fetchone()
    if unique:  # the usual night: no window over all rows
        return []
    duplicates, first_row, first_of = connection.execute(
        f"""
        with keyed as (
            select source_row, min(source_row) over (partition by key) as first_row
            from ({keyed})
        )
        select count(*), min(source_row), arg_min(first_row, source_row)
        from keyed where source_row > first_row
        """
    ).fetchone()
    return [
        (
            f"{file_name}, row {first_row} (line {first_row + 1}), column {key}: duplicate key, "
            f"already used in row {first_of} ({duplicates} duplicate row(s) in all)"
        )
    ]


def _typed_expression(column: Column, header: list[str]) -> str:
    """A column's value parsed from its trimmed cell (null where it does not parse: such a row
    fails a check and nothing is loaded), or its default where the file has no such column."""
    if column.name not in header:
        source = "null" if column.default is None else f"'{column.default}'"
    else:
        source = identifier(column.name)
        if column.default is not None:
            source = f"coalesce({source}, '{column.default}')"
    return f"({parse_sql(column.kind, source)})::{SQL_TYPES[column.kind]} as {identifier(column.name)}"


def _create_typed(connection: duckdb.DuckDBPyConnection, extract: Extract, rows: str) -> int:
    """`raw.<name>` from the checked rows, in the file's order; its row count."""
    columns = ", ".join(identifier(c.name) for c in extract.columns)
    (count,) = connection.execute(
        f"create or replace table raw.{extract.name} as select source_row, {columns} from {rows}"
    ).fetchone()
    return count


def _create_empty(connection: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    columns = ", ".join(f'"{c.name}" {SQL_TYPES[c.kind]}' for c in extract.columns)
    connection.execute(
        f"create or replace table raw.{extract.name} (source_row bigint, {columns})"
    )
