"""The keyed hash of RULES.md M10: lower-case hex HMAC-SHA-256 of the UTF-8 normalised address
under the secret key in `HYGIENE_HASH_KEY`.

Tombstones (M10) and the remembered stops of M8 keep only this hash of an address; an unkeyed
hash of an e-mail address can be reversed by guessing, so it is never used for that. The same
function is registered in dbt's DuckDB connections (hygiene.dbt_udfs) and in the connections the
state and a degraded night (G5) open themselves (`register_hmac`), so that every hash of an
address agrees. The key is read when a connection is opened, never at import, and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import pyarrow as pa
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


def register_hmac(connection: DuckDBPyConnection) -> None:
    """Make `hmac_sha256(varchar) -> varchar` available in `connection`, keyed from the
    environment (a query that calls it without a key fails with what to do)."""
    connection.create_function(
        FUNCTION_NAME,
        make_hmac_udf(hash_key_from_environment()),
        [sqltype("VARCHAR")],
        sqltype("VARCHAR"),
        type="arrow",
        null_handling="special",
        side_effects=False,
    )
