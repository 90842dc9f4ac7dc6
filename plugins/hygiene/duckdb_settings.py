"""What every connection to a night's warehouse is set to, whoever opens it: the loader and the
checks (hygiene.load.connect, hygiene.quality.frames) and dbt (through its plugin,
hygiene.dbt_udfs). The mail-tool exports' own scratch database has a smaller limit of its own
(hygiene.exports.write).

- A memory limit (hygiene.memory): beyond it DuckDB spills to disk instead of being killed; up
  to it the database keeps the memory of its blocks while it is open, rather than giving it
  back to the system after each query and asking again (docs/decisions.md, 72).
- Rows keep the order they are read in (`preserve_insertion_order`, DuckDB's default, stated
  here because the lists depend on it): fct_address_decisions is stored sorted, and its halves
  and the published lists are written in that order without a sort of their own
  (docs/decisions.md, 63).
- Amsterdam time (`use_amsterdam_time`): a timestamp's date is its Amsterdam date. It is a
  setting of each session, not of the database, so each connection and each cursor sets it
  (dbt's in its profile).
- How the tables it writes are stored, HYGIENE_DUCKDB_COMPRESSION:
  - `auto` (the default): DuckDB's compression (dictionary and FSST for text, bit-packing for
    numbers). It keeps a night at 1,000,000 contacts under 4 GiB and the warehouse small.
  - `none`: uncompressed, for a machine with memory and disk to spare. Compressing costs CPU:
    on one warehouse of 1,000,000 contacts, run alternately, `dbt build` took 34.4 and 36.4 s
    uncompressed against 45.7 and 51.9 s compressed. But the warehouse is 3.5 to 5 times larger
    (745 MB against 216 MB after loading a million contacts; 41 GB at ten million), and dbt's
    peak memory at a million rose from 3.4–3.7 to 5.1 GiB, as DuckDB keeps larger blocks in
    memory (bench/results.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import duckdb

from hygiene.errors import SettingsError
from hygiene.memory import limit_memory

COMPRESSION_VARIABLE = "HYGIENE_DUCKDB_COMPRESSION"
# the setting's values -> DuckDB's force_compression
COMPRESSIONS = {"auto": "auto", "none": "uncompressed"}


def use_amsterdam_time(connection: duckdb.DuckDBPyConnection) -> None:
    """Take a timestamp's date in Europe/Amsterdam (RULES.md: D, M5). TimeZone is a setting of the
    session, not of the database: each connection, and each cursor of one, sets it itself."""
    connection.execute("set TimeZone = 'Europe/Amsterdam'")


def configure(connection: duckdb.DuckDBPyConnection) -> None:
    """Apply the night's settings to a connection (they are global to its database)."""
    limit_memory(connection)
    connection.execute("set preserve_insertion_order = true")
    connection.execute(f"set force_compression = '{COMPRESSIONS[compression()]}'")


def compression(environ: Mapping[str, str] | None = None) -> str:
    """HYGIENE_DUCKDB_COMPRESSION, `auto` when unset; any other value stops the night here."""
    environ = os.environ if environ is None else environ
    chosen = (environ.get(COMPRESSION_VARIABLE) or "auto").strip().lower()
    if chosen not in COMPRESSIONS:
        raise SettingsError(
            f"{COMPRESSION_VARIABLE}={chosen!r}: expected one of {', '.join(COMPRESSIONS)} "
            "(auto: DuckDB's compression; none: faster, with more memory and disk)"
        )
    return chosen
