"""SQL functions the dbt project needs and DuckDB lacks, registered through a dbt-duckdb plugin.

`hmac_sha256(varchar) -> varchar` is the keyed hash of RULES.md M10: lower-case hex
HMAC-SHA-256 of the UTF-8 value under the secret key in the environment variable
`HYGIENE_HASH_KEY`. Tombstones keep only this hash of a deleted contact's suppressed address;
an unkeyed hash of an e-mail address can be reversed by guessing, so it is never used for that.

Wired in `dbt_project/profiles.yml`:

    plugins:
      - module: hygiene.dbt_udfs

The key is read when dbt opens its connection, never at import time, and never logged. When it
is unset the function is still registered, but any query that calls it fails with a message
saying what to do: no tombstone is ever written or matched under a missing or empty key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection, sqltype

KEY_VARIABLE = "HYGIENE_HASH_KEY"
FUNCTION_NAME = "hmac_sha256"


class MissingHashKeyError(RuntimeError):
    """The secret key of M10 is not set, so no keyed hash can be made."""


def hash_key_from_environment() -> bytes | None:
    """The M10 key from `HYGIENE_HASH_KEY` as UTF-8 bytes; None when unset or empty."""
    value = os.environ.get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def hmac_sha256_hex(key: bytes, value: str) -> str:
    """Lower-case hex HMAC-SHA-256 of the UTF-8 `value` under `key`."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def make_hmac_udf(key: bytes | None):
    """A vectorised (Arrow) UDF computing `hmac_sha256_hex` per value; null stays null."""

    def hmac_sha256(values: pa.Array) -> pa.Array:
        if key is None:
            raise MissingHashKeyError(
                f"{KEY_VARIABLE} is not set: the keyed hash of M10 (tombstones) needs the secret "
                f"key. Set {KEY_VARIABLE} to the key held outside the data (the same key as in "
                "earlier runs, or tombstones will no longer match) and rerun."
            )
        return pa.array(
            [None if value is None else hmac_sha256_hex(key, value) for value in values.to_pylist()],
            type=pa.string(),
        )

    return hmac_sha256


class Plugin(BasePlugin):
    """Registers `hmac_sha256(varchar) -> varchar` on every connection dbt opens."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._key: bytes | None = None

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        self._key = hash_key_from_environment()
        conn.create_function(
            FUNCTION_NAME,
            make_hmac_udf(self._key),
            [sqltype("VARCHAR")],
            sqltype("VARCHAR"),
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
