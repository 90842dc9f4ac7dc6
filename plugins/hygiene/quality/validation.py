"""Great Expectations, kept quiet and kept away from personal data.

GX is imported here only, inside functions: Airflow parses DAG files often and the import
costs seconds. Before the import, usage analytics are switched off in the environment; after
it, GX's loggers are held at WARNING and its progress bars are off, so task logs show our own
counts only. Results are asked for in a format that carries no failing values, and scrubbed
again before they are written (DESIGN.md: no personal data in logs or outputs).
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from hygiene.quality.outcome import CheckResult
from hygiene.quality.suites import ExpectationSpec, FrameSpec

if TYPE_CHECKING:
    import pandas as pd

    from hygiene.quality.frames import Batch

# Counts only: BASIC gives unexpected_count; a partial_unexpected_count of 0 keeps the sample of
# failing values empty, and unexpected rows are never asked for.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "exclude_unexpected_values": True,
}
# A raw extract's rows carry their number in the file (`source_row`, written by the loader):
# SUMMARY with that index column and values excluded yields the numbers of the rows that broke an
# expectation, and nothing else of them, so a message can say where to look.
ROW_NUMBER_COLUMN = "source_row"
FIRST_ROWS = 5
ROW_NUMBER_FORMAT: dict[str, Any] = {
    **RESULT_FORMAT,
    "result_format": "SUMMARY",
    "unexpected_index_column_names": [ROW_NUMBER_COLUMN],
    "partial_unexpected_count": FIRST_ROWS,
}


def result_format_for(data: pd.DataFrame) -> dict[str, Any]:
    return ROW_NUMBER_FORMAT if ROW_NUMBER_COLUMN in data.columns else RESULT_FORMAT

# Keys under which GX can put values from the data; removed from every result we write.
VALUE_BEARING_KEYS = frozenset({
    "partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list",
    "unexpected_list", "unexpected_index_list", "unexpected_index_query", "unexpected_rows",
    "details",
})
_SAFE_EXCEPTION = re.compile(r'The column "[^"]*" in BatchData does not exist\.')


@cache
def prepare_import() -> None:
    """What GX's import needs from the main thread, before import_gx runs in another one
    (hygiene.quality.runner): the environment set while no other thread reads it, and the
    libraries that thread and the frames' reading share imported once, here, so that two
    threads never import them at once. Once per process: import_gx's own call, in the other
    thread, then touches nothing."""
    # Forced, not defaulted: no usage data leaves a privacy pipeline, whatever the worker sets.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401


@cache
def import_gx() -> Any:
    """Import great_expectations once per process, without analytics, log noise or warnings."""
    prepare_import()
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # GX imports deprecated stdlib modules (sre_parse); Airflow would log each warning.
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.execution_engine import pandas_execution_engine
    _hold_gx_loggers_at_warning()
    # GX fingerprints every pandas batch with an MD5 over all its cells: 3 s of a 3 s
    # validation at 3 M events, and nothing we read. Setting the size limit to 0 skips it.
    pandas_execution_engine.HASH_THRESHOLD = 0
    return gx


def _hold_gx_loggers_at_warning() -> None:
    # Some GX modules set their own logger to INFO at import (data_context.types.base logs
    # "Created temporary directory ..."), which the parent's level does not override.
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if (
            name.startswith("great_expectations")
            and isinstance(logger, logging.Logger)
            and logging.NOTSET < logger.level < logging.WARNING
        ):
            logger.setLevel(logging.WARNING)


def new_context() -> Any:
    """An in-memory GX context that writes no file: no stores on disk, no Data Docs site (its pages
    load scripts and styles from CDNs, so they are blank offline and tell third parties who opens
    them). Our own pages render the results instead (hygiene.report)."""
    gx = import_gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@dataclass(frozen=True)
class BatchValidation:
    checks: tuple[CheckResult, ...]  # one per expectation of the batch, in its order
    result_json: dict[str, Any]  # the GX validation result, scrubbed of values


def validate_batch(
    context: Any, suite: str, frame: FrameSpec, batch: Batch, run_name: str
) -> BatchValidation:
    """Validate one batch of a frame with its (parameter-filled) expectations as GX suite
    `suite.batch`."""
    gx = import_gx()
    from great_expectations.core.run_identifier import RunIdentifier

    name = f"{suite}.{batch.name}"
    expectations = batch.expectations
    gx_suite = context.suites.add(
        gx.ExpectationSuite(
            name=name,
            expectations=[_gx_expectation(spec) for spec in expectations],
            meta={"frame": frame.name, "meaning": frame.meaning},
        )
    )
    asset = _datasource(context, suite).add_dataframe_asset(name=batch.name)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(
            name=name, data=asset.add_batch_definition_whole_dataframe("whole_frame"),
            suite=gx_suite,
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = definition.run(
            batch_parameters={"dataframe": batch.data},
            result_format=result_format_for(batch.data),
            # An explicit run_time: GX would otherwise read a date-like run_name as the time.
            run_id=RunIdentifier(run_name=run_name, run_time=datetime.now(UTC)),
        )
    # GX orders results its own way; report them in the order of the suite file.
    position = {expectation.id: i for i, expectation in enumerate(gx_suite.expectations)}
    in_file_order = sorted(result.results, key=lambda r: position[r.expectation_config.id])
    checks = tuple(
        to_check_result(suite, frame, expectations[position[r.expectation_config.id]], r)
        for r in in_file_order
    )
    return BatchValidation(checks=checks, result_json=scrubbed(result.to_json_dict()))


def _gx_expectation(spec: ExpectationSpec) -> Any:
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    expectation = ExpectationConfiguration(
        type=spec.type, kwargs=dict(spec.kwargs), meta=dict(spec.meta)
    ).to_domain_obj()
    expectation.severity = spec.severity
    # The scrubbed result in `<suite>.json` carries `description`: keep rule and severity in it.
    expectation.description = f"[{spec.severity} {spec.rule}] {spec.description}"
    return expectation


def _datasource(context: Any, suite: str) -> Any:
    try:
        return context.data_sources.get(suite)
    except (KeyError, ValueError, LookupError):
        return context.data_sources.add_pandas(name=suite)


def to_check_result(
    suite: str, frame: FrameSpec, spec: ExpectationSpec, result: Any
) -> CheckResult:
    """Counts, parameters, row numbers and an error message from one GX result: never a value."""
    body: Mapping[str, Any] = result.result or {}
    error = _exception_message(result.exception_info)
    return CheckResult(
        suite=suite,
        frame=frame.name,
        file_name=frame.file_name,
        first_rows=_first_rows(body),
        expectation=spec.type,
        column=spec.column,
        rule=spec.rule,
        severity=spec.severity,
        success=bool(result.success) and error is None,
        unexpected_count=_unexpected_count(spec, body),
        description=spec.description,
        observed_value=_numeric(body.get("observed_value")),
        **_expected(spec.kwargs),
        error=error,
    )


def _first_rows(body: Mapping[str, Any]) -> tuple[int, ...]:
    """The row numbers GX found breaking an expectation (SUMMARY with `source_row` as index)."""
    found: list[int] = []
    for entry in body.get("partial_unexpected_index_list") or ():
        numbers = entry.get(ROW_NUMBER_COLUMN) if isinstance(entry, Mapping) else None
        if isinstance(numbers, list | tuple):
            found.extend(int(number) for number in numbers)
        elif numbers is not None:
            found.append(int(numbers))
    return tuple(sorted(found)[:FIRST_ROWS])


def _unexpected_count(spec: ExpectationSpec, body: Mapping[str, Any]) -> int | None:
    if body.get("unexpected_count") is not None:
        return int(body["unexpected_count"])
    # A frame of violations expected to be empty: each of its rows is one unexpected row.
    if spec.type == "expect_table_row_count_to_equal" and spec.kwargs.get("value") == 0:
        observed = _numeric(body.get("observed_value"))
        return None if observed is None else int(observed)
    return None


def _expected(kwargs: Mapping[str, Any]) -> dict[str, float | None]:
    """`expected_min` and `expected_max` of a CheckResult: the bounds an aggregate was held to."""
    if isinstance(kwargs.get("value"), (int, float)):
        return {"expected_min": kwargs["value"], "expected_max": kwargs["value"]}
    return {"expected_min": _numeric(kwargs.get("min_value")),
            "expected_max": _numeric(kwargs.get("max_value"))}


def _numeric(value: Any) -> float | None:
    # Only numbers are kept: an observed value of another type could be taken from the data.
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def _exception_message(exception_info: Any) -> str | None:
    """The reason an expectation raised, only where GX's message cannot hold data values."""
    infos = exception_info.values() if _is_nested(exception_info) else [exception_info or {}]
    for info in infos:
        if info.get("raised_exception"):
            message = info.get("exception_message") or ""
            found = _SAFE_EXCEPTION.search(message)
            return found.group(0) if found else "GX raised an error; message withheld"
    return None


def _is_nested(exception_info: Any) -> bool:
    return isinstance(exception_info, Mapping) and "raised_exception" not in exception_info


def scrubbed(value: Any) -> Any:
    """A copy of a GX result without value-bearing keys, tracebacks or raw exception text."""
    if isinstance(value, Mapping):
        if "raised_exception" in value:
            return {
                "raised_exception": value.get("raised_exception"),
                "exception_message": _exception_message(value),
            }
        return {
            key: scrubbed(item)
            for key, item in value.items()
            if key not in VALUE_BEARING_KEYS and key != "exception_traceback"
        }
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    return value
