"""Text that goes into SQL where DuckDB takes no parameter (a `set` value, the file of a
`copy ... to`, a column named by an extract's header), quoted one way for every module."""


def string_literal(text: str) -> str:
    """A SQL string literal: `it's` → `'it''s'`."""
    return "'" + text.replace("'", "''") + "'"


def identifier(*parts: str) -> str:
    """A DuckDB identifier, dotted parts each quoted: `("raw", "crm_contacts")` →
    `"raw"."crm_contacts"`."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)
