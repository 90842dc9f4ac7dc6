"""M10's keyed hash in SQL (hygiene.keyed_hash) agrees with Python's hmac, byte for byte."""

from __future__ import annotations

import duckdb
import pytest

from hygiene.keyed_hash import KEY_VARIABLE, hmac_sha256_hex, register_hmac

VALUES = ["jan.de.vries@example.nl", "zoë.müller@example.nl", "+31612345678", ""]


@pytest.mark.parametrize("key", ["short", "k" * 64, "a key longer than a block of sha-256, " * 3, "sléutel"])
def test_m10_sql_hmac_is_rfc_2104_hmac_sha256_for_any_key_length(monkeypatch, key):
    monkeypatch.setenv(KEY_VARIABLE, key)
    with duckdb.connect() as connection:
        register_hmac(connection)
        hashed = connection.execute(
            "select hmac_sha256(value) from unnest(?) with ordinality t(value, n) order by n",
            [[*VALUES, None]]).fetchall()
    assert [row[0] for row in hashed] == [hmac_sha256_hex(key.encode(), v) for v in VALUES] + [None]


def test_m10_each_cursor_gets_the_function_and_compiled_sql_never_holds_the_key(monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, "the-secret-key")
    with duckdb.connect() as connection:
        register_hmac(connection)
        cursor = connection.cursor()
        with pytest.raises(duckdb.CatalogException):  # why dbt_udfs registers every cursor
            cursor.execute("select hmac_sha256('a')")
        register_hmac(cursor)
        assert cursor.execute("select hmac_sha256('a')").fetchone()[0] == hmac_sha256_hex(
            b"the-secret-key", "a")
        definitions = " ".join(str(row) for row in connection.execute(
            "select macro_definition from duckdb_functions() where function_name = 'hmac_sha256'"
        ).fetchall())
    assert "getvariable" in definitions and "the-secret-key" not in definitions
    assert b"the-secret-key".hex() not in definitions


def test_m10_without_a_key_any_hash_fails_with_what_to_do(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with duckdb.connect() as connection:
        register_hmac(connection)
        with pytest.raises(duckdb.InvalidInputException, match=f"{KEY_VARIABLE} is not set.*rerun"):
            connection.execute("select hmac_sha256('a@example.nl')").fetchall()
