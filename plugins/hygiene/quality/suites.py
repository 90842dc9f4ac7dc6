"""The suites of `expectations/*.json`, read and made concrete for one run.

A suite file is a list of frames: a table (of which only the columns its expectations name are
read) or one DuckDB query (for checks across tables), each with expectations written as GX
serialises them (`type`, `kwargs`, `meta`). Two additions keep the files reviewable:

- `for_each` expands a frame per extract of `hygiene.extracts`, and an expectation per column
  of that extract, so the contract's column lists and accepted values live in extracts.py only;
- `{"$PARAMETER": name}` (GX's notation) marks a value known only at run time (manifest rows,
  previous counts, thresholds). The runner fills it in; an expectation whose value is unknown
  this run (no manifest, first run) is skipped and counted as such.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hygiene.extracts import EXTRACTS, Extract
from hygiene.quality.outcome import SEVERITIES, Severity
from hygiene.settings import EXPECTATIONS_DIR

SUITE_NAMES = ("raw_extracts", "consent_proof", "marts")
PARAMETER = "$PARAMETER"
_SQL_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
_COLUMN_KWARGS = ("column", "column_A", "column_B")


@dataclass(frozen=True)
class ExpectationSpec:
    type: str
    kwargs: Mapping[str, Any]
    meta: Mapping[str, Any]

    @property
    def severity(self) -> Severity:
        return self.meta["severity"]

    @property
    def rule(self) -> str:
        return self.meta["rule"]

    @property
    def description(self) -> str:
        return self.meta["description"]

    @property
    def column(self) -> str | None:
        column = self.kwargs.get("column")
        return column if isinstance(column, str) else None

    def columns(self) -> set[str]:
        named = {self.kwargs[k] for k in _COLUMN_KWARGS if isinstance(self.kwargs.get(k), str)}
        return named | set(self.kwargs.get("column_list") or ())

    def parameter_names(self) -> set[str]:
        return {value[PARAMETER] for value in self.kwargs.values() if _is_parameter(value)}

    def with_parameters(self, values: Mapping[str, Any]) -> ExpectationSpec:
        kwargs = {
            key: values[value[PARAMETER]] if _is_parameter(value) else value
            for key, value in self.kwargs.items()
        }
        return ExpectationSpec(self.type, kwargs, self.meta)


@dataclass(frozen=True)
class FrameSpec:
    name: str
    expectations: tuple[ExpectationSpec, ...]
    table: str | None = None  # "schema.table": read only the columns the expectations name
    sql: str | None = None  # one DuckDB query; `$name` are run-time values
    meaning: str = ""
    optional: bool = False  # the table may be absent (an optional extract): then skip the frame
    file_name: str | None = None  # the extract a raw frame was loaded from (manifest, history)

    def columns(self) -> list[str]:
        """The columns to read: those the expectations name and, for a raw extract, each row's
        number in its file (so that a message can name the rows that broke a check)."""
        named = set().union(*(e.columns() for e in self.expectations))
        return sorted(named | ({"source_row"} if self.file_name else set()))

    def sql_parameter_names(self) -> set[str]:
        return set(_SQL_PARAMETER.findall(self.sql or ""))


@dataclass(frozen=True)
class Suite:
    name: str
    frames: tuple[FrameSpec, ...]


def load_suite(name: str, suites_dir: Path | None = None) -> Suite:
    """Read `<suites_dir>/<name>.json`, expanding `for_each` against hygiene.extracts."""
    if name not in SUITE_NAMES:
        raise ValueError(f"Unknown data-quality suite {name!r}; known: {', '.join(SUITE_NAMES)}.")
    path = (suites_dir or EXPECTATIONS_DIR) / f"{name}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    frames = tuple(frame for raw in document["frames"] for frame in _expand_frame(raw))
    for frame in frames:
        for expectation in frame.expectations:
            _check_meta(path, frame.name, expectation)
    return Suite(name=document["suite"], frames=frames)


def _expand_frame(raw: Mapping[str, Any]) -> Iterator[FrameSpec]:
    if raw.get("for_each") == "extract":
        for extract in EXTRACTS:
            yield _extract_frame(raw, extract)
        return
    yield FrameSpec(
        name=raw["name"],
        expectations=tuple(_plain_expectation(e) for e in raw["expectations"]),
        table=raw.get("table"),
        sql=_sql_text(raw.get("sql")),
        meaning=raw.get("meaning", ""),
    )


def _extract_frame(raw: Mapping[str, Any], extract: Extract) -> FrameSpec:
    """One frame per extract: its columns, key and accepted values come from extracts.py."""
    expectations: list[ExpectationSpec] = []
    for template in raw["expectations"]:
        for column in _columns_for(template.get("for_each"), extract):
            values = {"extract": extract.name, "file_name": extract.file_name}
            if column is not None:
                values |= {"column": column, "accepted": list(extract.column(column).accepted)}
            expectations.append(_plain_expectation(_fill(template, values)))
    return FrameSpec(
        name=_fill(raw.get("name", "{extract}"), {"extract": extract.name}),
        expectations=tuple(expectations),
        table=_fill(raw["table"], {"extract": extract.name}),
        meaning=_fill(raw.get("meaning", ""), {"extract": extract.name}),
        optional=extract.optional_file,
        file_name=extract.file_name,
    )


def _columns_for(for_each: str | None, extract: Extract) -> list[str | None]:
    if for_each is None:
        return [None]
    if for_each == "key_column":
        return [extract.key] if extract.key else []
    if for_each == "required_column":
        # The key counts as required even where extracts.py did not say so: a row without
        # its key cannot be deleted or linked.
        required = [c.name for c in extract.columns if c.required]
        return list(dict.fromkeys(([extract.key] if extract.key else []) + required))
    if for_each == "accepted_column":
        return [c.name for c in extract.columns if c.accepted]
    raise ValueError(f"Unknown for_each {for_each!r} in the raw_extracts suite.")


def _fill(template: Any, values: Mapping[str, Any]) -> Any:
    """Replace `{name}` placeholders; a string that is only a placeholder takes its value whole
    (so `"{accepted}"` becomes the list of accepted values)."""
    if isinstance(template, str):
        whole = re.fullmatch(r"\{(\w+)\}", template)
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        return re.sub(
            r"\{(\w+)\}",
            lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0),
            template,
        )
    if isinstance(template, Mapping):
        return {key: _fill(value, values) for key, value in template.items() if key != "for_each"}
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    return template


def _plain_expectation(raw: Mapping[str, Any]) -> ExpectationSpec:
    return ExpectationSpec(type=raw["type"], kwargs=dict(raw.get("kwargs", {})),
                           meta=dict(raw.get("meta", {})))


def _sql_text(sql: str | list[str] | None) -> str | None:
    # Queries are stored as a list of lines so that a diff shows the line that changed.
    if sql is None or isinstance(sql, str):
        return sql
    return "\n".join(sql)


def _check_meta(path: Path, frame: str, expectation: ExpectationSpec) -> None:
    missing = [key for key in ("severity", "rule", "description") if key not in expectation.meta]
    if missing or expectation.meta.get("severity") not in SEVERITIES:
        raise ValueError(
            f"{path.name}, frame {frame}, {expectation.type}: every expectation needs meta "
            f"severity (critical|warning), rule and description; missing or wrong: "
            f"{missing or ['severity']}."
        )


def _is_parameter(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {PARAMETER}
