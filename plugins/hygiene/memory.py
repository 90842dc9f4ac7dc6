"""How much memory each DuckDB of a night may take before it spills to disk.

DuckDB takes 80% of the machine by default, in every process that opens it. A night has two such
processes at once: the task process (the loader's and the checks' connections, and GX's pandas
frames beside them) and dbt's subprocess. At 10,000,000 contacts the two together passed the
machine's memory and the kernel killed dbt (bench/results.md). So every connection to a night's
warehouse gets HYGIENE_DUCKDB_MEMORY_LIMIT, by default 30% of the machine's memory; beyond it DuckDB
spills to a temporary folder beside the warehouse file. At a million contacts a night needs less
than that, so the limit costs nothing there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import duckdb

from hygiene.errors import SettingsError
from hygiene.sql_text import string_literal

MEMORY_VARIABLE = "HYGIENE_DUCKDB_MEMORY_LIMIT"
DEFAULT_SHARE = 0.3


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
    """Apply the limit to a connection (its database: the setting is global to it). DuckDB reads
    the value; one it cannot read stops the night with what to set."""
    limit = duckdb_memory_limit()
    try:
        connection.execute(f"set memory_limit = {string_literal(limit)}")
    except duckdb.Error as error:
        raise SettingsError(
            f"{MEMORY_VARIABLE}={limit!r}: DuckDB cannot read it ({error}); "
            "give an amount such as 6GB or 7372MiB"
        ) from error
