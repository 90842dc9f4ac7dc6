"""How a person types the `hygiene` command here, for the commands our messages tell them to run.

In a checkout the command is `.venv/bin/hygiene` (the README's spelling; `make` puts `.venv/bin`
on its own PATH only); in an image or an activated environment it is `hygiene`, on the PATH.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def hygiene_command() -> str:
    installed = Path(sys.executable).with_name("hygiene")
    try:
        return str(installed.relative_to(Path.cwd()))
    except ValueError:
        on_path = shutil.which("hygiene")
        return "hygiene" if on_path and Path(on_path) == installed else str(installed)
