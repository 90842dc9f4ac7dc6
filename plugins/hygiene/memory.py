"""How much memory each DuckDB of a night may take before it spills to disk.

DuckDB takes 80% of the machine by default, in every process that opens it. A night has two such
processes at once: the task process (the loader's and the checks' connections, and GX's pandas
frames beside them) and dbt's subprocess. At 10,000,000 contacts the two together passed the
machine's memory and the kernel killed dbt (bench/results.md). So every connection to a night's
warehouse gets HYGIENE_DUCKDB_MEMORY_LIMIT, by default 30% of the machine's memory; beyond it DuckDB
spills to a temporary folder beside the warehouse file. At a million contacts a night needs less
than that, so the limit costs nothing there.

Each database also keeps the memory its blocks take, up to the same limit, for as long as it is
open (DuckDB's `block_allocator_memory`). By default DuckDB hands memory back to the system after
a query and asks for it again in the next, and each time the kernel must find and clear fresh
pages; on a virtual machine that reports freed memory to its host, as this project's build
machine does, the host must then supply them again too. At 1,000,000 contacts a night spent 21
to 26 of its 116 to 125 CPU-seconds in the kernel; with the blocks kept, 16 to 19, and its data
work took 65 s instead of 68 to 70 (docs/decisions.md, 72).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import duckdb

from hygiene.errors import SettingsError
from hygiene.sql_text import string_literal

MEMORY_VARIABLE = "HYGIENE_DUCKDB_MEMORY_LIMIT"
DEFAULT_SHARE = 0.3
NO_POOL = "0 bytes"  # DuckDB's block_allocator_memory when a database has no pool


def duckdb_memory_limit(environ: Mapping[str, str] | None = None) -> str:
    """The limit in DuckDB's words ("6GB", "7372MiB"): the setting, else 30% of this machine's
    memory (in a container, set it: the machine's memory is the host's)."""
    environ = os.environ if environ is None else environ
    chosen = (environ.get(MEMORY_VARIABLE) or "").strip()
    if chosen:
        return chosen
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{int(machine * DEFAULT_SHARE) // 2**20}MiB"


def limit_memory(connection: duckdb.DuckDBPyConnection) -> None:
    """Apply the limit to a connection (its database: the setting is global to it), and let the
    database keep the blocks it gets, up to the limit. DuckDB reads the value; one it cannot read
    stops the night with what to set."""
    limit = duckdb_memory_limit()
    try:
        connection.execute(f"set memory_limit = {string_literal(limit)}")
    except duckdb.Error as error:
        raise SettingsError(
            f"{MEMORY_VARIABLE}={limit!r}: DuckDB cannot read it ({error}); "
            "give an amount such as 6GB or 7372MiB"
        ) from error
    keep_blocks(connection)


def keep_blocks(connection: duckdb.DuckDBPyConnection) -> None:
    """A pool of the memory limit's size (`100%` of it) that DuckDB fills as it needs blocks and
    empties only when the database closes. The pool is the database's, and DuckDB cannot shrink
    it: a second connection to a database that has one leaves it as it is."""
    (pool,) = connection.execute("select current_setting('block_allocator_memory')").fetchone()
    if pool == NO_POOL:
        connection.execute("set block_allocator_memory = '100%'")
