"""Run one suite of `expectations/` against the warehouse for D and write what it found."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from hygiene.publish.layout import OWNER_ONLY_DIR, OWNER_ONLY_FILE
from hygiene.quality.frames import Batch, FrameUnavailable, read_batches, read_only_warehouse
from hygiene.quality.outcome import CheckResult, SkippedCheck, SuiteOutcome
from hygiene.quality.suites import ExpectationSpec, FrameSpec, load_suite
from hygiene.quality.validation import (
    RESULT_FORMAT,
    new_context,
    prepare_import,
    validate_batch,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Findings:
    """What the frames of one suite run found, gathered frame by frame."""

    checks: list[CheckResult] = field(default_factory=list)
    skipped: list[SkippedCheck] = field(default_factory=list)
    validations: dict[str, Any] = field(default_factory=dict)  # frame → scrubbed GX result
    timings: dict[str, float] = field(default_factory=dict)


def run_suite(
    suite: str,
    warehouse: Path,
    run_date: date | str,
    results_dir: Path,
    *,
    manifest_rows: Mapping[str, int] | None = None,
    previous_rows: Mapping[str, int] | None = None,
    volume_band: float = 0.3,
    max_unproven_share: float = 0.25,
    suites_dir: Path | None = None,
) -> SuiteOutcome:
    """Validate `suite` on the warehouse as of D; write `<suite>.json` (counts and row numbers,
    never values: the report renders it, hygiene.report.quality_pages).

    `manifest_rows` and `previous_rows` map an extract's file name (`crm_contacts.csv`) to its
    rows in extract_manifest.json and in the previous published run; None or a missing file
    skips that row-count check (no manifest, first run). `volume_band` is the share an
    extract's row count may move against the previous run; `max_unproven_share` the share of
    grants without proof that fails the run (M4), a tenth of it warns.
    """
    started = time.perf_counter()
    day = run_date if isinstance(run_date, date) else date.fromisoformat(run_date)
    spec = load_suite(suite, suites_dir)
    values = {
        "run_date": day,
        "max_unproven_share": max_unproven_share,
        "warn_unproven_share": max_unproven_share / 10,
    }
    results_dir = Path(results_dir)
    found = _Findings()
    # Importing GX takes seconds of one core, once per process: DuckDB reads the first frames
    # meanwhile, and they are validated, in order, once the context is there.
    prepare_import()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx-context") as background:
        context = background.submit(_timed, found.timings, "gx_import_and_context", new_context)
        unvalidated: list[_ReadFrame] = []
        with read_only_warehouse(Path(warehouse)) as connection:
            for frame in spec.frames:
                bounds = _row_count_bounds(frame, manifest_rows, previous_rows, volume_band)
                unvalidated.append(_read_frame(connection, suite, frame, values | bounds, found))
                if context.done():
                    _validate(unvalidated, context.result(), suite, found)
        _validate(unvalidated, context.result(), suite, found)

    outcome = SuiteOutcome(
        suite=suite,
        run_date=day.isoformat(),
        results=tuple(found.checks),
        skipped=tuple(found.skipped),
        results_file=results_dir / f"{suite}.json",
        timings=found.timings | {"total": round(time.perf_counter() - started, 3)},
    )
    _write_results(outcome, found.validations)
    _log(outcome)
    return outcome


@dataclass
class _ReadFrame:
    """One frame's batches as read, or the checks it settled without GX (not evaluated)."""

    frame: FrameSpec
    values: Mapping[str, Any]  # the suite's run-time values and the frame's row-count bounds
    filled: list[ExpectationSpec] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    settled: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0


def _read_frame(
    connection: Any,
    suite: str,
    frame: FrameSpec,
    values: Mapping[str, Any],
    found: _Findings,
) -> _ReadFrame:
    """Read the batches of the expectations whose run-time values are known."""
    read = _ReadFrame(frame, values)
    applicable, not_applicable = _split_by_known_values(frame.expectations, values)
    found.skipped += [
        SkippedCheck(suite, frame.name, e.rule, e.type, e.description, unknown, frame.file_name)
        for e, unknown in not_applicable
    ]
    if not applicable:
        return read
    started = time.perf_counter()
    read.filled = [e.with_parameters(values) for e in applicable]
    try:
        batches = read_batches(connection, frame, read.filled, values)
    except FrameUnavailable as error:
        read.settled = [_not_evaluated(suite, frame, e, str(error)) for e in applicable]
        return read
    if batches is None:
        rules = ", ".join(sorted({e.rule for e in frame.expectations}))
        found.skipped.append(SkippedCheck(suite, frame.name, rules, None, None, (), frame.file_name))
        return read
    read.batches = batches
    read.seconds = time.perf_counter() - started
    return read


def _validate(unvalidated: list[_ReadFrame], context: Any, suite: str, found: _Findings) -> None:
    """Validate the frames read so far, in the suite's order, and let them go."""
    for read in unvalidated:
        found.checks += read.settled
        if read.batches:
            _validate_frame(context, suite, read, found)
    unvalidated.clear()


def _validate_frame(context: Any, suite: str, read: _ReadFrame, found: _Findings) -> None:
    started = time.perf_counter()
    frame, values = read.frame, read.values
    checked: list[tuple[ExpectationSpec, CheckResult]] = []
    for batch in read.batches:
        validation = validate_batch(context, suite, frame, batch, values["run_date"].isoformat())
        checked += zip(batch.expectations, validation.checks, strict=True)
        found.validations[batch.name] = validation.result_json
    # In the order of the suite file, whichever batch judged them.
    checked.sort(key=lambda pair: read.filled.index(pair[0]))
    found.checks += [_with_hint(check, values) for _, check in checked]
    found.timings[frame.name] = round(read.seconds + time.perf_counter() - started, 3)


def _timed(timings: dict[str, float], name: str, step: Callable[[], T]) -> T:
    started = time.perf_counter()
    try:
        return step()
    finally:
        timings[name] = round(time.perf_counter() - started, 3)


def _row_count_bounds(
    frame: FrameSpec,
    manifest_rows: Mapping[str, int] | None,
    previous_rows: Mapping[str, int] | None,
    volume_band: float,
) -> dict[str, int | None]:
    """Run-time values of a raw extract's row-count checks (G1); None where unknown."""
    if frame.file_name is None:
        return {}
    announced = _rows_for(frame, manifest_rows)
    previous = _rows_for(frame, previous_rows)
    if not previous:
        # First run, or an extract that was empty last time: no base to compare with.
        return {"manifest_rows": announced, "previous_rows_low": None, "previous_rows_high": None}
    return {
        "manifest_rows": announced,
        "previous_rows": previous,
        "volume_band": volume_band,
        "previous_rows_low": math.ceil(previous * (1 - volume_band)),
        "previous_rows_high": math.floor(previous * (1 + volume_band)),
    }


def _with_hint(check: CheckResult, values: Mapping[str, Any]) -> CheckResult:
    """A failed row-count check of an extract says what it found against what, and what to do."""
    if check.success or check.file_name is None or check.observed_value is None:
        return check
    rows = int(check.observed_value)
    if check.expectation == "expect_table_row_count_to_equal":
        hint = (
            f"The file has {rows:,} rows, extract_manifest.json announces "
            f"{values['manifest_rows']:,}: it was truncated or replaced; ask for the export again."
        )
    elif check.expectation == "expect_table_row_count_to_be_between" and values.get("previous_rows"):
        previous, band = values["previous_rows"], values["volume_band"]
        needed = math.ceil(abs(rows - previous) / previous * 100) / 100
        hint = (
            f"The file has {rows:,} rows against {previous:,} in the previous run: more than "
            f"HYGIENE_VOLUME_BAND={band:g} apart. If the export is right, rerun with "
            f"HYGIENE_VOLUME_BAND={needed:g} to accept it."
        )
    else:
        return check
    return replace(check, hint=hint)


def _rows_for(frame: FrameSpec, rows: Mapping[str, int] | None) -> int | None:
    # Keyed by file name as in extract_manifest.json; a table name is accepted too.
    if not rows:
        return None
    found = rows.get(frame.file_name, rows.get(frame.name))
    return None if found is None else int(found)


def _split_by_known_values(
    expectations: tuple[ExpectationSpec, ...], values: Mapping[str, Any]
) -> tuple[list[ExpectationSpec], list[tuple[ExpectationSpec, tuple[str, ...]]]]:
    applicable, not_applicable = [], []
    for expectation in expectations:
        unknown = tuple(sorted(n for n in expectation.parameter_names() if values.get(n) is None))
        if unknown:
            not_applicable.append((expectation, unknown))
        else:
            applicable.append(expectation)
    return applicable, not_applicable


def _not_evaluated(suite: str, frame: FrameSpec, spec: ExpectationSpec, why: str) -> CheckResult:
    # Fail closed: a check that could not run counts as failed at its own severity.
    return CheckResult(
        suite=suite, frame=frame.name, expectation=spec.type, column=spec.column,
        rule=spec.rule, severity=spec.severity, success=False, unexpected_count=None,
        description=spec.description, error=why,
    )


def _write_results(outcome: SuiteOutcome, validations: Mapping[str, Any]) -> None:
    """`<suite>.json`: our per-check counts and the GX validation result of each frame."""
    assert outcome.results_file is not None
    document = {
        "suite": outcome.suite,
        "run_date": outcome.run_date,
        "success": outcome.success,
        "result_format": RESULT_FORMAT,
        "summary": outcome.summary(),
        "checks": [check.to_dict() for check in outcome.results],
        "skipped": [skip.to_dict() for skip in outcome.skipped],
        "timings_seconds": outcome.timings,
        "validations": validations,
    }
    outcome.results_file.parent.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    partial = outcome.results_file.with_suffix(".json.partial")
    partial.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    partial.chmod(OWNER_ONLY_FILE)
    partial.replace(outcome.results_file)


def _log(outcome: SuiteOutcome) -> None:
    log.info(
        "Quality suite %s for %s: %d checks, %d critical failed, %d warnings, %d skipped "
        "(%.1f s); details in %s",
        outcome.suite, outcome.run_date, len(outcome.results), len(outcome.failed_critical),
        len(outcome.warnings), len(outcome.skipped), outcome.timings["total"],
        outcome.results_file,
    )
    for result in outcome.failed_critical:
        log.error("%s", result.line())
    for result in outcome.warnings:
        log.warning("%s", result.line())
