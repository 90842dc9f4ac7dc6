"""The one SQL quoting of the package (hygiene.sql_text): what DuckDB reads back is the text."""

from __future__ import annotations

import duckdb

from hygiene.sql_text import identifier, string_literal


def test_a_string_literal_reads_back_as_the_text_with_its_quotes():
    text = "it's a 'quoted' path/with ; -- and \"double\" quotes"
    with duckdb.connect() as connection:
        assert connection.execute(f"select {string_literal(text)}").fetchone() == (text,)


def test_an_identifier_names_a_column_and_a_schema_whatever_their_characters():
    column = 'e-mail "adres"; drop'
    with duckdb.connect() as connection:
        connection.execute(f"create schema {identifier('raw data')}")
        connection.execute(
            f"create table {identifier('raw data', 'crm')} as select 1 as {identifier(column)}")
        cursor = connection.execute(f"select {identifier(column)} from {identifier('raw data', 'crm')}")
        assert cursor.description[0][0] == column and cursor.fetchone() == (1,)
