"""Every DuckDB of a night has the same settings (hygiene.duckdb_settings): a memory limit
(hygiene.memory), in the task process's connections and dbt's, so that the two together fit the
machine and a large night spills instead of being killed, and a pool of that size in which each
database keeps its blocks; how the tables it writes are stored; and that rows keep the order
they are read in (the lists rely on it)."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from hygiene.dbt_udfs import Plugin
from hygiene.duckdb_settings import COMPRESSION_VARIABLE, compression
from hygiene.errors import SettingsError
from hygiene.load import connect
from hygiene.memory import MEMORY_VARIABLE, duckdb_memory_limit
from hygiene.quality.frames import read_only_warehouse


def limit_of(connection, setting: str = "memory_limit") -> int:
    """A DuckDB amount in bytes (it reports one with one decimal, e.g. "3.0 GiB")."""
    (limit,) = connection.execute(
        "select value from duckdb_settings() where name = ?", [setting]).fetchone()
    number, unit = limit.split()
    return int(float(number) * {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30,
                                "TiB": 2**40}[unit])


def test_the_default_is_thirty_percent_of_the_machine(monkeypatch):
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 10 * 2**30 // 4096}  # a 10 GiB machine
    monkeypatch.setattr(os, "sysconf", pages.__getitem__)
    assert duckdb_memory_limit({}) == "3072MiB"
    assert duckdb_memory_limit({MEMORY_VARIABLE: " 6GB "}) == "6GB"
    assert duckdb_memory_limit({MEMORY_VARIABLE: ""}) == duckdb_memory_limit({})


@pytest.mark.parametrize("unreadable", ["lots", "6GB'"])
def test_an_unreadable_memory_limit_stops_the_night_with_what_to_set(
    tmp_path, monkeypatch, unreadable
):
    monkeypatch.setenv(MEMORY_VARIABLE, unreadable)
    warehouse = tmp_path / "warehouse.duckdb"
    with pytest.raises(SettingsError, match=f"{MEMORY_VARIABLE}=.*such as 6GB") as raised:
        connect(warehouse)
    # the failed connection let go of the warehouse, even while its traceback is kept (as a
    # task's failure handling keeps it): another process may write to it
    assert raised.traceback
    subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(warehouse)!r})"],
                   check=True, capture_output=True)
    monkeypatch.setenv(MEMORY_VARIABLE, "30%")  # DuckDB's share of the machine is accepted
    with connect(warehouse) as connection:
        assert limit_of(connection) > 0


def test_the_nights_connections_and_dbts_get_the_same_settings(tmp_path, monkeypatch):
    # neither is DuckDB's default (80% of the machine; compression `auto`)
    monkeypatch.setenv(MEMORY_VARIABLE, "3GiB")
    monkeypatch.setenv(COMPRESSION_VARIABLE, "none")
    limit = 3 * 2**30
    warehouse = tmp_path / "warehouse.duckdb"
    with connect(warehouse) as connection:
        assert_night_settings(connection, limit)
        assert time_zone(connection) == "Europe/Amsterdam"
    with read_only_warehouse(warehouse) as connection:  # the checks'
        assert_night_settings(connection, limit)
        assert time_zone(connection) == "Europe/Amsterdam"  # a session's setting, not global
    # a profile's settings may turn off DuckDB's insertion order; the lists rely on it (63)
    with duckdb.connect(str(tmp_path / "dbt.duckdb"),
                        config={"preserve_insertion_order": False}) as connection:
        Plugin("hygiene", {}).configure_connection(connection)
        assert_night_settings(connection, limit)


def test_a_database_keeps_its_pool_when_another_connection_opens_it(tmp_path, monkeypatch):
    """DuckDB cannot shrink a database's pool of blocks: a second connection to an open warehouse
    (the same database, in one process) with a smaller limit gets that limit and leaves the pool."""
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv(MEMORY_VARIABLE, "3GiB")
    with connect(warehouse) as first:
        monkeypatch.setenv(MEMORY_VARIABLE, "2GiB")
        with connect(warehouse) as second:
            assert limit_of(second) == 2 * 2**30
            assert limit_of(second, "block_allocator_memory") == 3 * 2**30
        assert limit_of(first, "block_allocator_memory") == 3 * 2**30
    with connect(warehouse) as reopened:  # closed, the database and its pool are gone
        assert limit_of(reopened, "block_allocator_memory") == 2 * 2**30


def test_the_tables_a_night_writes_are_compressed_unless_asked_not_to(tmp_path, monkeypatch):
    """hygiene.duckdb_settings: DuckDB's compression by default (dictionary/FSST for text,
    bit-packing for numbers); `none` stores them as they are, for a faster night."""
    monkeypatch.delenv(COMPRESSION_VARIABLE, raising=False)
    assert "Uncompressed" not in stored_as(tmp_path / "default.duckdb")
    monkeypatch.setenv(COMPRESSION_VARIABLE, "none")
    assert stored_as(tmp_path / "none.duckdb") == {"Uncompressed", "Constant"}


def test_an_unknown_compression_stops_the_night_with_what_to_set():
    assert compression({COMPRESSION_VARIABLE: " None "}) == "none"
    assert compression({}) == "auto"
    expected = "HYGIENE_DUCKDB_COMPRESSION='zstd': expected one of auto, none"
    with pytest.raises(SettingsError, match=expected):  # shown in `make run`'s last line
        compression({COMPRESSION_VARIABLE: "zstd"})


def stored_as(warehouse) -> set[str]:
    """How DuckDB stored a sample table written through the night's connection."""
    with connect(warehouse) as connection:
        connection.execute(
            "create table sample as select (range % 7)::varchar as code, range as number "
            "from range(300000)"
        )
        connection.execute("checkpoint")
        return {method for (method,) in connection.execute(
            "select distinct compression from pragma_storage_info('sample')").fetchall()}


def time_zone(connection) -> str:
    (zone,) = connection.execute("select current_setting('TimeZone')").fetchone()
    return zone


def assert_night_settings(connection, limit: int) -> None:
    assert abs(limit_of(connection) - limit) < 0.01 * limit
    assert abs(limit_of(connection, "block_allocator_memory") - limit) < 0.01 * limit
    (compression,) = connection.execute(
        "select value from duckdb_settings() where name = 'force_compression'").fetchone()
    assert compression == "uncompressed"
    (in_order,) = connection.execute(
        "select value from duckdb_settings() where name = 'preserve_insertion_order'").fetchone()
    assert in_order == "true"
