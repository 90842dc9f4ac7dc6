"""The night in one sentence, from its attempt's journal (hygiene.attempts): where the published
run is with its key counts, or which task failed, why, and what was published instead.

`make run` ends with it (hygiene.foreground) and the DAG run's note carries it (hygiene.run_note),
so the terminal and the run's page in the Airflow UI say the same.
"""

from __future__ import annotations

from pathlib import Path

from hygiene.command import hygiene_command
from hygiene.publish import DEGRADED, HELD, PUBLISHED, read_manifest


def night_summary(run_date: str, journal: dict, *, succeeded: bool) -> str | None:
    """The sentence for D; None when the journal tells neither where the night was published
    nor which task failed (the night ended before its first step)."""
    if succeeded and journal.get("published"):
        folder = Path(journal["published"])
        manifest = read_manifest(folder)
        rows = manifest.get("outputs", {}).get("rows", {})
        held = (f" (deletion list HELD for approval, G2: `{hygiene_command()} where` shows it "
                "and how to approve it)" if manifest.get("status") == HELD else "")
        return (
            f"Published {run_date}: {folder} — {rows.get('suppression_list.csv', 0):,} "
            f"suppressed, {rows.get('marketing_eligibility.csv', 0):,} eligible, "
            f"{rows.get('deletion_list.csv', 0):,} deletion rows{held}"
        )
    if journal.get("failed_task"):
        why = first_sentences(journal.get("failure") or "see the log")
        return (f"FAILED {run_date} in task {journal['failed_task']}: {why} "
                f"{published_instead(run_date, journal)}")
    return None


def published_instead(run_date: str, journal: dict) -> str:
    """What a failed night published: G5's degraded D, or nothing and why; or, when it failed
    (a stop) after its publish, the run itself."""
    outcome = journal.get("outcome")
    if outcome == DEGRADED:
        return f"A degraded {run_date} was published (G5): {journal['published']}."
    if outcome in (PUBLISHED, HELD):
        return f"{run_date} itself was published before that: {journal['published']}."
    return f"Nothing was published: {journal.get('degraded') or 'the previous lists stay'}."


def first_sentences(message: str) -> str:
    """A multi-line error on one line: its first line and, where that announces a list, the
    first item of it."""
    lines = [line.strip().removeprefix("- ") for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    text = lines[0]
    if text.endswith(":") and len(lines) > 1:
        more = f" (and {len(lines) - 2} more)" if len(lines) > 2 else ""
        text = f"{text} {lines[1]}{more}"
    return text if text.endswith(".") else text + "."
