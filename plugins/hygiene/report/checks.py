"""The data-quality results (`quality/<suite>.json`, hygiene.quality) in plain words.

A check is described by the most specific message the catalogue has for it: its frame and
column, its frame and severity, its frame, else its kind of expectation (the columns of
`raw_extracts` are checked alike, so one sentence covers them all). The report groups checks by
that sentence; the page of a suite lists each one. What a check found is said with counts and
row numbers only, as the results hold them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from hygiene.report.words import Words, first_key


def description_key(check: dict) -> str:
    frame, column, severity = check["frame"], check.get("column"), check.get("severity")
    return first_key([f"check.{frame}.{column}", f"check.{frame}.{severity}",
                      f"check.{frame}", f"check.{check['expectation']}"])


def todo_key(check: dict, suite: str) -> str:
    frame, column, severity = check["frame"], check.get("column"), check.get("severity")
    return first_key([f"todo.{frame}.{column}", f"todo.{frame}.{severity}", f"todo.{frame}",
                      f"todo.{suite}.{check['expectation']}", f"todo.{suite}"])


def found(check: dict, words: Words) -> str:
    """What a check found: "in orde", "3 rijen wijken af (eerste rijen: 4, 9)", "gemeten 7,1%,
    toegestaan hoogstens 2,5%"; never a value from the data."""
    if check.get("error"):
        return words("found.error", error=check["error"])
    if check["expectation"] == "expect_column_to_exist":
        return words("found.passed" if check["success"] else "found.column_missing")
    if check.get("unexpected_count"):
        text = words.first([f"found.rows.{check['frame']}", "found.rows"],
                           count=words.number(check["unexpected_count"]))
        if check.get("first_rows"):
            rows = ", ".join(words.number(row) for row in check["first_rows"])
            text += f" ({words('found.first_rows', rows=rows)})"
        return text
    if check.get("observed_value") is not None and not check["success"]:
        observed = words.share_or_number(check["observed_value"], check.get("column"))
        expected = _expected(check, words)
        if expected is None:
            return words("found.observed_only", observed=observed)
        return words("found.observed", observed=observed, expected=expected)
    return words("found.passed" if check["success"] else "check.result.failed")


def where(check: dict) -> str:
    """The extract's file, else the table or query the check ran on."""
    return check.get("file_name") or check["frame"]


def skip_reason(skip: dict, words: Words) -> str:
    """Why a check was skipped: the run-time value nobody could give, or an absent extract."""
    if not skip.get("expectation"):
        return words("skip.absent", file=skip.get("file_name") or skip["frame"])
    unknown = sorted({name.removesuffix("_low").removesuffix("_high")
                      for name in skip.get("unknown") or ()})
    key = f"skip.{unknown[0]}" if len(unknown) == 1 else "skip.unknown"
    return words(first_key([key, "skip.unknown"]), names=", ".join(unknown))


@dataclass
class Group:
    """The checks of one suite that one sentence describes, with the ones that did not pass."""

    key: str
    rules: list[str] = field(default_factory=list)
    checks: int = 0
    problems: list[dict] = field(default_factory=list)


def groups(suite: dict) -> Iterator[Group]:
    """A suite's checks grouped by their sentence, in the order the suite runs them."""
    grouped: dict[str, Group] = {}
    for check in suite.get("results", []):
        group = grouped.setdefault(description_key(check), Group(description_key(check)))
        group.checks += 1
        if check["rule"] not in group.rules:
            group.rules.append(check["rule"])
        if not check["success"]:
            group.problems.append(check)
    yield from grouped.values()


@dataclass
class SkippedGroup:
    """Skipped checks that one sentence and one reason describe, and the files they were for."""

    key: str | None  # the check's sentence; None for a whole extract that was absent
    rule: str
    first: dict  # one of them, for the reason
    files: list[str] = field(default_factory=list)


def skipped_groups(suite: dict) -> Iterator[SkippedGroup]:
    """A suite's skipped checks, one line per kind of check and reason (the report)."""
    grouped: dict[tuple, SkippedGroup] = {}
    for skip in suite.get("skipped_checks", []):
        key = description_key(skip) if skip.get("expectation") else None
        reason = (key, tuple(skip.get("unknown") or ()), skip["rule"])
        group = grouped.setdefault(reason, SkippedGroup(key, skip["rule"], skip))
        group.files.append(skip.get("file_name") or skip["frame"])
    yield from grouped.values()


def result_key(suite: dict) -> str:
    if not suite.get("success", True):
        return "quality.result.failed"
    return "quality.result.warnings" if suite.get("warnings") else "quality.result.passed"


def _expected(check: dict, words: Words) -> str | None:
    low, high = check.get("expected_min"), check.get("expected_max")
    column = check.get("column")
    if low is not None and low == high:
        return words("found.exactly", value=words.share_or_number(low, column))
    if low is not None and high is not None:
        return words("found.between", low=words.share_or_number(low, column),
                     high=words.share_or_number(high, column))
    if high is not None:
        return words("found.at_most", value=words.share_or_number(high, column))
    if low is not None:
        return words("found.at_least", value=words.share_or_number(low, column))
    return None
