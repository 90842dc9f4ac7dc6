"""SQL functions the dbt project needs and DuckDB lacks, registered through a dbt-duckdb plugin,
which also gives dbt's DuckDB the night's settings (hygiene.duckdb_settings: its memory limit and
how its tables are stored).

`hmac_sha256(varchar) -> varchar` is the keyed hash of RULES.md M10 (hygiene.keyed_hash), a
connection's own macro: registered on dbt's connection and on every cursor dbt opens from it
(one per thread), since a cursor does not see the temporary objects of another.

Wired in `dbt_project/profiles.yml`:

    plugins:
      - module: hygiene.dbt_udfs

When `HYGIENE_HASH_KEY` is unset the function is still registered, but any query that calls it
fails with a message saying what to do: no tombstone is ever written or matched under a missing
or empty key.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from hygiene import duckdb_settings
from hygiene.keyed_hash import register_hmac


class Plugin(BasePlugin):
    """Registers `hmac_sha256(varchar) -> varchar` on every connection and cursor dbt opens."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        pass

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_hmac(conn)
        duckdb_settings.configure(conn)  # as the task process's connections are

    def configure_cursor(self, cursor: DuckDBPyConnection) -> None:
        register_hmac(cursor)
