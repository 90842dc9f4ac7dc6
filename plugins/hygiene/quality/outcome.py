"""What a data-quality run found, as counts only, and the gate that stops a run on it.

Nothing here imports Great Expectations: the DAG, the report and the tests read outcomes
without paying for that import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from hygiene.errors import HygieneError

Severity = Literal["critical", "warning"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning")


@dataclass(frozen=True)
class CheckResult:
    """One expectation on one frame. Counts and parameters only: never a value from the data."""

    suite: str
    frame: str  # the table or named query the expectation ran on
    expectation: str  # GX expectation type, e.g. expect_column_values_to_be_unique
    column: str | None
    rule: str  # the rule it protects (RULES.md), e.g. "M4", "G1"
    severity: Severity
    success: bool
    unexpected_count: int | None  # rows that broke it, where the expectation counts rows
    description: str
    observed_value: float | None = None  # the measured number of aggregate checks (rows, share)
    # what the aggregate was held to (both set and equal for "exactly"); None where unbounded
    expected_min: float | None = None
    expected_max: float | None = None
    error: str | None = None  # why it could not be evaluated (then success is False)
    file_name: str | None = None  # the extract a raw frame was loaded from
    first_rows: tuple[int, ...] = ()  # data rows of the extract that broke it (the first few)
    hint: str | None = None  # what to do about it, where the runner knows

    @property
    def expected(self) -> str | None:
        """What the aggregate was held to, in words: "at most 0.25", "between 5 and 7"."""
        low, high = self.expected_min, self.expected_max
        if low is not None and low == high:
            return _number(low)
        if low is not None and high is not None:
            return f"between {_number(low)} and {_number(high)}"
        if high is not None:
            return f"at most {_number(high)}"
        if low is not None:
            return f"at least {_number(low)}"
        return None

    def line(self) -> str:
        """One line for an error message or a log: where (the extract's file and column, else
        suite and frame), what, which rule, how many, which rows; never a value."""
        if self.file_name:
            where = self.file_name + (f", column {self.column}" if self.column else "")
        else:
            where = f"{self.suite}/{self.frame}" + (f", column {self.column}" if self.column else "")
        rows = f" (first rows {', '.join(map(str, self.first_rows))})" if self.first_rows else ""
        hint = f" {self.hint}" if self.hint else ""
        return (
            f"{where}: {self.description}: {self.finding()}{rows} "
            f"[{self.severity} {self.rule}, {self.suite} {self.expectation}].{hint}"
        )

    def finding(self) -> str:
        if self.error:
            return f"not evaluated ({self.error})"
        if self.expectation == "expect_column_to_exist" and not self.success:
            return "column is missing"
        if self.unexpected_count is not None:
            return f"{self.unexpected_count} row(s) break it"
        if self.observed_value is not None:
            # the description says what should hold: a failed one says that it did not
            verdict = "" if self.success else "not met, "
            expected = f", expected {self.expected}" if self.expected else ""
            return f"{verdict}observed {_number(self.observed_value)}{expected}"
        return "failed" if not self.success else "passed"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SkippedCheck:
    """An expectation (or a whole frame) left out this run, and why: `unknown` names the run-time
    values nobody could give (`manifest_rows` without extract_manifest.json, `previous_rows_*` on
    a first run); empty when an optional extract is absent and its frame is skipped."""

    suite: str
    frame: str
    rule: str
    expectation: str | None  # None: the whole frame
    description: str | None
    unknown: tuple[str, ...] = ()
    file_name: str | None = None

    def line(self) -> str:
        if self.expectation is None:
            return f"{self.frame}: the optional extract is absent"
        return (f"{self.frame}: {self.expectation} ({self.description}): no value for "
                f"{', '.join(self.unknown)} this run")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SuiteOutcome:
    """The checks of one suite for one run, and where their details were written."""

    suite: str
    run_date: str
    results: tuple[CheckResult, ...]
    # Expectations left out because their run-time value is unknown (no manifest, first run).
    skipped: tuple[SkippedCheck, ...] = ()
    results_file: Path | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def failed_critical(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.success and r.severity == "critical")

    @property
    def warnings(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.success and r.severity == "warning")

    @property
    def success(self) -> bool:
        return not self.failed_critical

    def summary(self) -> dict[str, Any]:
        """JSON-serialisable, counts only: for run_manifest.json (G4) and the privacy report."""
        return {
            "success": self.success,
            "run_date": self.run_date,
            "checks": len(self.results),
            "passed": sum(r.success for r in self.results),
            "failed_critical": len(self.failed_critical),
            "warnings": len(self.warnings),
            "skipped": len(self.skipped),
            "findings": [_finding_summary(r) for r in self.failed_critical + self.warnings],
            "results_file": self.results_file.name if self.results_file else None,
        }


class QualityGateFailed(HygieneError):
    """Critical data-quality checks failed: nothing is published from this run (G1)."""

    def __init__(self, failed: tuple[CheckResult, ...], details: tuple[Path, ...] = ()) -> None:
        self.failed = failed
        self.details = details
        super().__init__(_gate_message(failed, details))


def enforce(outcomes: Iterable[SuiteOutcome] | SuiteOutcome) -> None:
    """Raise `QualityGateFailed` naming every failed critical check; warnings never raise."""
    if isinstance(outcomes, SuiteOutcome):
        outcomes = [outcomes]
    outcomes = list(outcomes)
    failed = tuple(r for outcome in outcomes for r in outcome.failed_critical)
    if failed:
        details = tuple(
            o.results_file for o in outcomes if o.failed_critical and o.results_file is not None
        )
        raise QualityGateFailed(failed, details)


def _gate_message(failed: tuple[CheckResult, ...], details: tuple[Path, ...]) -> str:
    lines = [
        (f"Data-quality gate failed: {len(failed)} critical check(s) failed, so this run "
         "publishes nothing and the last good lists stay in place (G1)."),
        *(f"  - {result.line()}" for result in failed),
        "Fix the extract or the model named above and rerun D.",
    ]
    if details:
        lines.append("Counts per check (never values) are in " + ", ".join(str(p) for p in details))
    return "\n".join(lines)


def _finding_summary(result: CheckResult) -> dict[str, Any]:
    keys = ("frame", "file_name", "expectation", "column", "rule", "severity", "unexpected_count",
            "first_rows", "observed_value", "expected_min", "expected_max", "description", "error",
            "hint")
    return {key: getattr(result, key) for key in keys}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
