"""Text that goes into SQL where DuckDB takes no parameter (a `set` value, the file of a
`copy ... to`), quoted one way for every module."""


def string_literal(text: str) -> str:
    """A SQL string literal: `it's` → `'it''s'`."""
    return "'" + text.replace("'", "''") + "'"
