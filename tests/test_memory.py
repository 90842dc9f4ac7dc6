"""Every DuckDB of a night has a memory limit (hygiene.memory): the task process's connections
and dbt's, so that the two together fit the machine and a large night spills instead of being
killed."""

from __future__ import annotations

import os

import duckdb

from hygiene.dbt_udfs import Plugin
from hygiene.load import connect
from hygiene.memory import MEMORY_VARIABLE, duckdb_memory_limit
from hygiene.quality.frames import read_only_warehouse


def limit_of(connection) -> int:
    """DuckDB's memory_limit in bytes (it reports it with one decimal, e.g. "3.0 GiB")."""
    (limit,) = connection.execute(
        "select value from duckdb_settings() where name = 'memory_limit'").fetchone()
    number, unit = limit.split()
    return int(float(number) * {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit])


def test_the_default_is_thirty_percent_of_the_machine(monkeypatch):
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 10 * 2**30 // 4096}  # a 10 GiB machine
    monkeypatch.setattr(os, "sysconf", pages.__getitem__)
    assert duckdb_memory_limit({}) == "3072MiB"
    assert duckdb_memory_limit({MEMORY_VARIABLE: " 6GB "}) == "6GB"
    assert duckdb_memory_limit({MEMORY_VARIABLE: ""}) == duckdb_memory_limit({})


def test_the_nights_connections_and_dbts_get_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_VARIABLE, "3GiB")
    expected = 3 * 2**30  # not DuckDB's default: 80% of the machine
    warehouse = tmp_path / "warehouse.duckdb"
    with connect(warehouse) as connection:
        assert abs(limit_of(connection) - expected) < 0.01 * expected
    with read_only_warehouse(warehouse) as connection:
        assert abs(limit_of(connection) - expected) < 0.01 * expected
    with duckdb.connect(str(tmp_path / "dbt.duckdb")) as connection:
        Plugin("hygiene", {}).configure_connection(connection)
        assert abs(limit_of(connection) - expected) < 0.01 * expected
