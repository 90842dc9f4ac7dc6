"""The language the privacy officer reads: Dutch by default, English with HYGIENE_LANGUAGE=en.

The report and `explain` (CLI and UI) follow it; the data team's logs stay English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hygiene.errors import HygieneError

LANGUAGE_VARIABLE = "HYGIENE_LANGUAGE"
LANGUAGES = ("nl", "en")


def current_language(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    language = (environ.get(LANGUAGE_VARIABLE) or "nl").strip().lower()
    if language not in LANGUAGES:
        raise HygieneError(
            f"{LANGUAGE_VARIABLE}={language!r}: use one of {', '.join(LANGUAGES)} (nl is the default)."
        )
    return language
