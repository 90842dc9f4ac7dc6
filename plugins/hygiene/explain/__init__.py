"""Explain every decision about one subject in words a privacy officer can forward ("Explain").

`explain(run, address=… | contact_id=… | booking_id=…).lines()` is what `hygiene explain`
prints and the UI page "Waarom?" shows: a letter in the privacy officer's language
(`hygiene.language`: Dutch by default, English with HYGIENE_LANGUAGE=en), read from a published
run only, never from the clock, so the same run always gives the same letter.

- `tables`: the run's `explain/` tables, read with DuckDB;
- `words`: every message in both languages, side by side;
- `sentences`: one function per kind of decision, choosing and filling a message;
- `letters`: the letter about an address, a contact or a booking, each thing said once.

An address is normalised the way the rules do it (RULES.md "Address"), by running the dbt
macros `normalize_email` and `normalize_phone` through DuckDB, so `explain` and the models can
never disagree about what one address is.
"""

from hygiene.explain.letters import (
    Explanation,
    UnknownDate,
    UnknownSubject,
    explain,
    night_typed,
    published_run,
)
from hygiene.explain.tables import EXPLAIN_FOLDER, TABLE_FILES, ExplainTablesMissing

__all__ = [
    "EXPLAIN_FOLDER",
    "TABLE_FILES",
    "ExplainTablesMissing",
    "Explanation",
    "UnknownDate",
    "UnknownSubject",
    "explain",
    "night_typed",
    "published_run",
]
