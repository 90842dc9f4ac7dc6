"""Pandas frames read from the DuckDB warehouse for the suites to validate.

GX's SQL datasource fails on DuckDB, so GX sees pandas frames. They are read over Arrow from
a read-only connection, and a table frame holds only the columns its expectations name: at a
million contacts that keeps names, addresses and phone numbers out of memory unless a check
needs them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hygiene.quality.suites import FrameSpec

if TYPE_CHECKING:  # imported where used: the package stays cheap to import for DAG parsing
    import duckdb
    import pandas as pd


class FrameUnavailable(Exception):
    """A frame could not be read; the message names tables and columns, never data."""


@contextmanager
def read_only_warehouse(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    import duckdb

    from hygiene.memory import limit_memory

    if not warehouse.exists():
        raise FileNotFoundError(
            f"Warehouse {warehouse} does not exist: run the load (and dbt) steps for D first."
        )
    connection = duckdb.connect(str(warehouse), read_only=True)
    limit_memory(connection)
    try:
        yield connection
    finally:
        connection.close()


def read_frame(
    connection: duckdb.DuckDBPyConnection, frame: FrameSpec, values: Mapping[str, Any]
) -> pd.DataFrame | None:
    """The frame's rows, or None for an optional table that is absent (nothing to check)."""
    if frame.sql is not None:
        return _query_frame(connection, frame, values)
    assert frame.table is not None, f"frame {frame.name} names neither table nor sql"
    return _table_frame(connection, frame)


def _table_frame(connection: duckdb.DuckDBPyConnection, frame: FrameSpec) -> pd.DataFrame | None:
    import pandas as pd

    schema, table = frame.table.split(".", 1)
    existing = _existing_columns(connection, schema, table)
    if existing is None:
        if frame.optional:
            return None
        raise FrameUnavailable(f"table {frame.table} does not exist")
    wanted = [column for column in frame.columns() if column in existing]
    if not wanted:
        (rows,) = connection.execute(f"select count(*) from {_quoted(schema, table)}").fetchone()
        return pd.DataFrame(index=pd.RangeIndex(rows))
    columns = ", ".join(_quoted(column) for column in wanted)
    return _to_pandas(connection.sql(f"select {columns} from {_quoted(schema, table)}"))


def _query_frame(
    connection: duckdb.DuckDBPyConnection, frame: FrameSpec, values: Mapping[str, Any]
) -> pd.DataFrame:
    import duckdb

    parameters = {name: values[name] for name in frame.sql_parameter_names()}
    try:
        return _to_pandas(connection.sql(frame.sql, params=parameters or None))
    except (duckdb.CatalogException, duckdb.BinderException) as error:
        # These name a missing table or column, never a value: safe to repeat.
        raise FrameUnavailable(f"{type(error).__name__}: {_first_line(error)}") from None
    except duckdb.Error as error:
        # Conversion errors can quote a value from the data: name the error type only.
        raise FrameUnavailable(f"{type(error).__name__} while running the query") from None


def _existing_columns(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> set[str] | None:
    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {name for (name,) in rows} or None


def _to_pandas(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    return relation.to_arrow_table().to_pandas()


def _quoted(*parts: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]
