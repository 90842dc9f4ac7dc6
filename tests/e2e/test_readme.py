"""Every command the README shows for running a night and answering the privacy officer runs as
written, and so does every command our own messages tell a person to type (issue "Operations").

The commands run in a checkout of their own: a temporary folder with the project's files linked
in and a `data/` folder of its own, so that the README's relative paths (`.venv/bin/hygiene`,
`--out data/landing/...`) mean there what they mean in a fresh clone, and nothing is written into
the project's own `data/`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from airflow_runner import PROJECT_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

README = PROJECT_ROOT / "README.md"
# What a checkout holds that the commands use (data/ is the checkout's own).
LINKED = (".venv", ".tools", ".airflow", "Makefile", "pyproject.toml", "uv.lock", "dags",
          "plugins", "dbt_project", "expectations")
# README sections whose commands a user runs on the embedded default, in the README's order.
SECTIONS = ("## Running a night", "## Answering the privacy officer")
# Commands of those sections that do not end: the UI is the browser test's (e2e/test_standalone).
NOT_HERE = {"make ui"}
MAKE_DEMO_MOST_LINES = 60  # the bound on what `make demo` prints


def readme_commands() -> list[str]:
    """The commands of the README's ```sh blocks in SECTIONS, without their comments."""
    text = README.read_text()
    commands = []
    for title in SECTIONS:
        section = text[text.index(title):]
        section = section[:section.find("\n## ", 1)]
        for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL):
            for line in block.splitlines():
                words = shlex.split(line, comments=True)
                if words and shlex.join(words) not in NOT_HERE:
                    commands.append(shlex.join(words))
    return commands


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("checkout")
    for name in LINKED:
        (folder / name).symlink_to(PROJECT_ROOT / name)
    return folder


def run(command: str, checkout: Path, answer: str | None = None) -> subprocess.CompletedProcess:
    """`command` as a person types it in the checkout (a terminal when it asks a question)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("HYGIENE_", "AIRFLOW", "MAKE"))}
    env |= {  # the checkout's defaults, as the Makefile and hygiene.settings derive them
        "HYGIENE_LANDING_DIR": str(checkout / "data" / "landing"),
        "HYGIENE_OUTPUT_DIR": str(checkout / "data" / "output"),
        "HYGIENE_WAREHOUSE_DIR": str(checkout / "data" / "warehouse"),
    }
    if answer is not None:  # util-linux's `script` gives the command a terminal to ask on
        assert shutil.which("script"), "util-linux's script is needed to answer a question"
        command = f"script -qec {shlex.quote(command)} /dev/null"
    return subprocess.run(["bash", "-c", command], cwd=checkout, env=env, input=answer,
                          capture_output=True, text=True, timeout=900, check=False)


def test_make_demo_prints_under_60_lines_and_where_everything_is(checkout):
    result = run("make demo", checkout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) < MAKE_DEMO_MOST_LINES, "\n".join(lines)
    assert any(line.startswith("Published ") for line in lines)
    assert "privacy_report.html" in result.stdout and "suppression_list.csv" in result.stdout


def test_every_readme_command_and_every_command_our_messages_show_runs_as_written(checkout):
    # the README's `generate` makes the extracts its `make run` reads: it goes first
    commands = sorted(readme_commands(), key=lambda command: " generate " not in command)
    assert commands[0].startswith(".venv/bin/hygiene generate ") and len(commands) >= 7, commands
    assert "make run DATE=2026-11-28" in commands
    ran: list[tuple[str, subprocess.CompletedProcess]] = []
    printed: list[str] = []
    for command in commands:
        answer = "yes\n" if " approve-deletions " in command else None
        result = run(command, checkout, answer)
        ran.append((command, result))
        printed += re.findall(r"^\s*(\S*hygiene (?:approve-deletions|explain) .*)$",
                              result.stdout, re.MULTILINE)
    for command, result in ran:
        if command.startswith(".venv/bin/hygiene explain --address"):
            # the README's example address is not among the generated people: a clear answer
            assert result.returncode == 1 and "staat niet in de nacht" in result.stderr, command
        else:
            assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    approval = dict(ran)[next(c for c in commands if " approve-deletions " in c)]
    assert "Deletion list of 2026-11-28 approved by A. de Vries" in approval.stdout, approval.stdout
    # a message's command, with its placeholders filled in as the person would
    assert printed, "no command in the output of the README's commands"
    for command in printed:
        typed = (command.replace("YOUR NAME", "A. de Vries")
                 .replace("--address … | --contact-id … | --booking-id …", "--contact-id C0000001"))
        answer = "yes\n" if " approve-deletions " in typed else None
        result = run(typed, checkout, answer)
        # the held list of 2026-11-28 is approved already: a second decision is refused, clearly
        refused = " approve-deletions " in typed and "already" in result.stdout + result.stderr
        assert result.returncode == 0 or refused, (typed, result.stdout[-2000:], result.stderr)
