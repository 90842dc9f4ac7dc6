"""One line per step of the night, for the data team: what it did, in counts (never data).

Each task of the nightly DAG says its line through the logger `hygiene.progress` when it is done;
`make run` (hygiene.foreground) shows these lines on the terminal and sends the rest of Airflow's
output to its log file. The wording lives here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("hygiene.progress")


def _checks(summaries: dict) -> str:
    return "; ".join(
        f"{suite}: {s['passed']} of {s['checks']} checks passed"
        + (f", {s['warnings']} warning(s)" if s.get("warnings") else "")
        for suite, s in summaries.items()
    )


def _loaded(loaded: dict) -> str:
    state = loaded["state_rows"]
    previous = loaded["previous_run"] or "none (first night)"
    return (
        f"{sum(loaded['rows'].values()):,} rows from {len(loaded['rows'])} extracts; state of "
        f"{previous}: {state['previous_suppressions']:,} remembered stops, "
        f"{state['tombstones']:,} tombstones"
    )


def _hold(hold: dict) -> str:
    if hold["held"]:  # the reason gives the counts
        return f"HELD for approval (G2): {hold['reason']}"
    return f"{hold['contact_deletions']:,} of {hold['contacts']:,} contacts due for deletion"


def _outputs(outputs: dict) -> str:
    rows = outputs["rows"]
    exports = sum(1 for name in rows if name.startswith("exports/"))
    return (
        f"{rows['suppression_list.csv']:,} suppressed, {rows['marketing_eligibility.csv']:,} "
        f"eligible, {rows['deletion_list.csv']:,} deletion rows, {exports} mail-tool exports"
    )


SUMMARIES: dict[str, Callable] = {
    "verify_landing": lambda landed: f"{len(landed)} extracts, checksums taken",
    "load_raw": _loaded,
    "check_raw": _checks,
    "check_marts": _checks,
    "guard_deletions": _hold,
    "write_outputs": _outputs,
    # the report is written in the attempt's staging folder; `publish` says where it lands
    "write_report": lambda path: f"{Path(path).name} and its PDF, {Path(path).stat().st_size // 1000:,} kB",
    "publish": lambda extra: f"{extra['run_date']} {extra['status']}: {extra['path']}",
}


def said(step: str, result):
    """Log the step's line; return the result unchanged (a task returns it as its XCom)."""
    log.info("%s: %s", step, SUMMARIES[step](result))
    return result
