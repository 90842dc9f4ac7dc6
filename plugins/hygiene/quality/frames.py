"""Pandas frames read from the DuckDB warehouse for the suites to validate.

GX's SQL datasource fails on DuckDB, so GX sees pandas frames. They are read over Arrow from
a read-only connection, and a table frame holds only the columns its expectations name: at a
million contacts that keeps names, addresses and phone numbers out of memory unless a check
needs them. Where DuckDB can narrow the rows (hygiene.quality.pushdown), a table frame is two
batches: the rows that could break a row-level expectation, and the table's length for its row
counts; nothing then holds a whole column in Python.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hygiene.quality import pushdown
from hygiene.quality.suites import ExpectationSpec, FrameSpec
from hygiene.sql_text import identifier

if TYPE_CHECKING:  # imported where used: the package stays cheap to import for DAG parsing
    import duckdb
    import pandas as pd


class FrameUnavailable(Exception):
    """A frame could not be read; the message names tables and columns, never data."""


@contextmanager
def read_only_warehouse(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse read-only, set as every connection of the night is (hygiene.load.connect)."""
    from hygiene.load import connect

    if not warehouse.exists():
        raise FileNotFoundError(
            f"Warehouse {warehouse} does not exist: run the load (and dbt) steps for D first."
        )
    with connect(warehouse, read_only=True) as connection:
        yield connection


@dataclass(frozen=True)
class Batch:
    """Data GX validates with some of a frame's expectations, as GX suite `<suite>.<name>`."""

    name: str
    expectations: tuple[ExpectationSpec, ...]
    data: pd.DataFrame


def read_batches(
    connection: duckdb.DuckDBPyConnection,
    frame: FrameSpec,
    expectations: Sequence[ExpectationSpec],
    values: Mapping[str, Any],
) -> list[Batch] | None:
    """The batches that validate `expectations` on `frame`, or None for an optional table that
    is absent (nothing to check)."""
    expectations = tuple(expectations)
    if frame.sql is not None:
        return [Batch(frame.name, expectations, _query_frame(connection, frame, values))]
    assert frame.table is not None, f"frame {frame.name} names neither table nor sql"
    schema, name = frame.table.split(".", 1)
    column_types = _column_types(connection, schema, name)
    if column_types is None:
        if frame.optional:
            return None
        raise FrameUnavailable(f"table {frame.table} does not exist")
    table = identifier(schema, name)
    checked = [column for column in frame.columns() if column in column_types]
    if not pushdown.can_push_down(expectations):
        return [Batch(frame.name, expectations, _whole_columns(connection, table, checked))]
    on_row_count = tuple(e for e in expectations if e.type in pushdown.TABLE_LEVEL)
    on_rows = tuple(e for e in expectations if e.type not in pushdown.TABLE_LEVEL)
    batches = []
    if on_rows:
        predicate = pushdown.suspect_predicate(on_rows, table, column_types)
        batches.append(Batch(frame.name, on_rows,
                             _suspect_rows(connection, table, checked, predicate)))
    if on_row_count:
        batches.append(Batch(f"{frame.name}.row_count", on_row_count,
                             _length_only(connection, table)))
    return batches


def _whole_columns(
    connection: duckdb.DuckDBPyConnection, table: str, checked: Sequence[str]
) -> pd.DataFrame:
    if not checked:
        return _length_only(connection, table)
    columns = ", ".join(identifier(column) for column in checked)
    return _frame(connection, f"select {columns} from {table}", {})


def _suspect_rows(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    checked: Sequence[str],
    predicate: pushdown.Predicate,
) -> pd.DataFrame:
    """The checked columns of the rows the predicate selects, in file order."""
    import pandas as pd

    if not checked:
        return pd.DataFrame()  # every column checked is missing: GX fails them by name
    columns = ", ".join(identifier(column) for column in checked)
    order = " order by source_row" if "source_row" in checked else ""
    return _frame(connection, f"select {columns} from {table} where {predicate.sql}{order}",
                  predicate.parameters)


def _length_only(connection: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A frame of the table's length and no columns: a row count without the rows."""
    import pandas as pd

    (rows,) = connection.execute(f"select count(*) from {table}").fetchone()
    return pd.DataFrame(index=pd.RangeIndex(rows))


def _query_frame(
    connection: duckdb.DuckDBPyConnection, frame: FrameSpec, values: Mapping[str, Any]
) -> pd.DataFrame:
    parameters = {name: values[name] for name in frame.sql_parameter_names()}
    return _frame(connection, frame.sql, parameters)


def _column_types(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> dict[str, str] | None:
    """Each column's DuckDB type, or None if the table does not exist."""
    rows = connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return dict(rows) or None


def _frame(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: Mapping[str, Any]
) -> pd.DataFrame:
    import duckdb

    try:
        return connection.sql(sql, params=dict(parameters) or None).to_arrow_table().to_pandas()
    except (duckdb.CatalogException, duckdb.BinderException) as error:
        # These name a missing table or column, never a value: safe to repeat.
        raise FrameUnavailable(f"{type(error).__name__}: {_first_line(error)}") from None
    except duckdb.Error as error:
        # Conversion errors can quote a value from the data: name the error type only.
        raise FrameUnavailable(f"{type(error).__name__} while running the query") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]
