"""The keyed hash of RULES.md M10: lower-case hex HMAC-SHA-256 of the UTF-8 normalised address
under the secret key in `HYGIENE_HASH_KEY`.

Tombstones (M10) and the remembered stops of M8 keep only this hash of an address; an unkeyed
hash of an e-mail address can be reversed by guessing, so it is never used for that. The same
function is registered in dbt's DuckDB connections (hygiene.dbt_udfs) and in the connections the
state and a degraded night (G5) open themselves (`register_hmac`), so that every hash of an
address agrees. The key is read when a connection is opened, never at import, and never logged.

DuckDB has no HMAC but has SHA-256, and HMAC is two SHA-256 passes over the padded key
(RFC 2104): `register_hmac` keeps the two pads in the connection's variables and defines
`hmac_sha256` as a SQL macro over them. That runs in DuckDB's threads, about three times faster
than a Python function per value at a million addresses, and the compiled SQL that dbt writes to
its target folder names only the variables, never the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from duckdb import DuckDBPyConnection

from hygiene.sql_text import string_literal

KEY_VARIABLE = "HYGIENE_HASH_KEY"
FUNCTION_NAME = "hmac_sha256"
_BLOCK_SIZE = 64  # bytes, SHA-256's block (RFC 2104 "B")
_INNER_PAD, _OUTER_PAD = "hygiene_hmac_inner_pad", "hygiene_hmac_outer_pad"


MISSING_KEY_MESSAGE = (
    f"{KEY_VARIABLE} is not set: the keyed hash of M10 (tombstones) needs the secret key. Set "
    f"{KEY_VARIABLE} to the key held outside the data (the same key as in earlier runs, or "
    "tombstones will no longer match) and rerun."
)


def hash_key_from_environment() -> bytes | None:
    """The M10 key from `HYGIENE_HASH_KEY` as UTF-8 bytes; None when unset or empty."""
    value = os.environ.get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def hmac_sha256_hex(key: bytes, value: str) -> str:
    """Lower-case hex HMAC-SHA-256 of the UTF-8 `value` under `key` (the reference the SQL
    function is tested against)."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _pads(key: bytes) -> tuple[bytes, bytes]:
    """RFC 2104: the key, hashed when longer than a block, zero-filled to a block, XOR 0x36 and
    XOR 0x5c."""
    block = (hashlib.sha256(key).digest() if len(key) > _BLOCK_SIZE else key).ljust(_BLOCK_SIZE, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def register_hmac(connection: DuckDBPyConnection) -> None:
    """Make `hmac_sha256(varchar) -> varchar` available in `connection` (and only there: a
    cursor is a connection of its own), keyed from the environment. Without a key any query
    that calls it fails with what to do. Null stays null."""
    key = hash_key_from_environment()
    if key is None:
        connection.execute(
            f"create or replace temp macro {FUNCTION_NAME}(value) as "
            f"error({string_literal(MISSING_KEY_MESSAGE)})"
        )
        return
    inner, outer = _pads(key)
    connection.execute(f"set variable {_INNER_PAD} = ?::blob", [inner])
    connection.execute(f"set variable {_OUTER_PAD} = ?::blob", [outer])
    connection.execute(
        f"create or replace temp macro {FUNCTION_NAME}(value) as sha256("
        f"getvariable('{_OUTER_PAD}') || unhex(sha256(getvariable('{_INNER_PAD}') || encode(value))))"
    )
