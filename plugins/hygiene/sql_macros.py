"""The dbt project's macros, rendered for SQL that Python code runs in DuckDB.

RULES.md "Address" lives in `macros/normalize_email.sql` and `macros/normalize_phone.sql`, the
date of a timestamp in Amsterdam in `macros/amsterdam_date.sql`. The loader (skipping
unsubscribes that can stop no one), a degraded night (G5) and `explain` need the very same
expressions outside dbt: they render those macros with plain Jinja (no dbt context is used), so
there is one definition of each.
"""

from __future__ import annotations

from functools import cache

from hygiene.settings import DBT_PROJECT_DIR

NORMALIZE = {
    "email": ("normalize_email.sql", "normalize_email"),
    "sms": ("normalize_phone.sql", "normalize_phone"),
}


@cache
def _macro(macro_file: str, macro: str):
    from jinja2 import Environment

    source = (DBT_PROJECT_DIR / "macros" / macro_file).read_text()
    return getattr(Environment().from_string(source).module, macro)


def render(macro_file: str, macro: str, *arguments: str) -> str:
    """The SQL the macro `macro` of `macros/<macro_file>` renders for `arguments`."""
    return str(_macro(macro_file, macro)(*arguments))


def normalize_sql(channel: str, column: str) -> str:
    """The SQL expression normalising `column` for `channel` (`email` or `sms`); null = invalid."""
    return render(*NORMALIZE[channel], column)


def sha256_hex_sql(column: str) -> str:
    """The SQL expression of RULES.md "address_sha256" of the normalised address `column`."""
    return render("sha256_hex.sql", "sha256_hex", column)


def amsterdam_date_sql(column: str) -> str:
    """The SQL expression of a timestamp's date in Europe/Amsterdam (RULES.md "Terms")."""
    return render("amsterdam_date.sql", "amsterdam_date", column)


def normalize_address(text: str) -> tuple[str, str | None]:
    """(channel, normalised address or None when invalid): an e-mail when it contains `@`, else
    a phone number."""
    import duckdb

    channel = "email" if "@" in text else "sms"
    with duckdb.connect() as connection:
        (normalised,) = connection.execute(
            f"select {normalize_sql(channel, 'value')} from (select cast($1 as varchar) as value)",
            [text],
        ).fetchone()
    return channel, normalised
