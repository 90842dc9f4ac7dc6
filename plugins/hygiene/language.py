"""The language the privacy officer reads: Dutch by default, English with HYGIENE_LANGUAGE=en.

The report, its quality pages and `explain` (CLI and UI) follow it; the data team's logs stay
English. An unknown value falls back to Dutch with a warning instead of failing: the report is
written on a degraded night too (G5), and a typo in a setting must never stop the night's
objections from being published.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

log = logging.getLogger(__name__)

LANGUAGE_VARIABLE = "HYGIENE_LANGUAGE"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def current_language(environ: Mapping[str, str] | None = None) -> str:
    """The language HYGIENE_LANGUAGE asks for, read now; Dutch when unset or unknown."""
    environ = os.environ if environ is None else environ
    asked = (environ.get(LANGUAGE_VARIABLE) or DEFAULT_LANGUAGE).strip().lower()
    if asked not in LANGUAGES:
        log.warning("%s=%r is not one of %s: %s is used.",
                    LANGUAGE_VARIABLE, asked, ", ".join(LANGUAGES), DEFAULT_LANGUAGE)
        return DEFAULT_LANGUAGE
    return asked
