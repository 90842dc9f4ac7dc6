"""Write the suppression list in each mail tool's import format (CONTRACT.md "Mail-tool exports").

Per tool and purpose: exactly the addresses `suppression_list.csv` suppresses on channel `email`
for that purpose, each once, sorted by their UTF-8 bytes, so a rerun gives the same bytes. A
local part may legally hold `;`, `,` or `"`: CSV values are quoted where they need it (RFC 4180,
a quote doubled), JSON strings are escaped.

DuckDB reads, sorts and writes; no row passes through Python. Its working database and what
does not fit in MEMORY_LIMIT go to an owner-only scratch folder inside the run's folder, removed
when the exports are done, so no address is written outside the output volume. Ten million rows
take about 35 seconds and 350 MB of memory on two cores.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from hygiene.errors import ExportError
from hygiene.exports.formats import EXPORTS_FOLDER, PURPOSES, ExportFormat, export_format
from hygiene.sql_text import identifier, string_literal

# The columns of `suppression_list.csv` (CONTRACT.md "Output") that the exports read.
NEEDED_COLUMNS = ("channel", "address", "purpose")
MEMORY_LIMIT = "256MB"
_CHUNK = 1 << 20
_OWNER_ONLY_FILE = 0o600
_OWNER_ONLY_DIR = 0o700


def write_mail_tool_exports(folder: Path) -> dict[str, int]:
    """The exports of the staged `suppression_list.csv` in a run's `folder`, for the tools
    HYGIENE_MAIL_TOOLS names (all by default): published atomically with the lists."""
    import os

    from hygiene.exports.formats import mail_tools_from_env

    return write_exports(folder / "suppression_list.csv", folder, mail_tools_from_env(os.environ))


def write_exports(suppression_list_csv: Path, folder: Path, tools: Sequence[str]) -> dict[str, int]:
    """Write `folder/exports/<tool>/<purpose>.<ext>` for each tool; return addresses per file.

    Whatever `folder/exports` held before is replaced, so it holds exactly the tools asked for;
    with no tools (HYGIENE_MAIL_TOOLS=none) there is no exports folder. A purpose that suppresses
    no one still gets its file: a header only, or an empty array.
    """
    formats = [export_format(tool) for tool in tools]
    exports = folder / EXPORTS_FOLDER
    if exports.exists():
        shutil.rmtree(exports)
    if not formats:
        return {}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix=".exports-scratch-", dir=folder) as scratch_name:
        scratch = Path(scratch_name)
        # A database file, not an in-memory one: its tables can leave memory, in-memory ones cannot.
        with duckdb.connect(str(scratch / "exports.duckdb")) as connection:
            connection.execute(f"set temp_directory = {string_literal(str(scratch))}")
            connection.execute(f"set memory_limit = {string_literal(MEMORY_LIMIT)}")
            _load_suppressed(connection, suppression_list_csv)
            _owner_only_folder(exports)
            for export in formats:
                _owner_only_folder(exports / export.tool)
                for purpose in PURPOSES:
                    relative = export.relative_path(purpose)
                    path = folder / relative
                    if export.extension == "json":
                        rows[relative] = _write_json(connection, export, purpose, path, scratch)
                    else:
                        rows[relative] = _write_csv(connection, export, purpose, path)
                    path.chmod(_OWNER_ONLY_FILE)
    return rows


def _load_suppressed(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The distinct (purpose, address) pairs suppressed on e-mail, as the table `suppressed`,
    stored sorted: by purpose, then address by its UTF-8 bytes (DuckDB's order of text). Every
    export of a purpose reads its rows in that order, sorted once for all the tools: DuckDB
    preserves insertion order (its default `preserve_insertion_order`), also on many threads.

    A purpose outside CONTRACT.md stops the exports rather than being left out: an address
    dropped from an export would be mailed.
    """
    if not path.is_file():
        raise ExportError(
            f"{path}: the suppression list to export is missing; write it before the exports."
        )
    header = _header(path)
    missing = [column for column in NEEDED_COLUMNS if column not in header]
    if missing:
        raise ExportError(
            f"{path}: no column {', '.join(missing)}; a suppression list has the columns of "
            "docs/contract.md (channel, address, address_sha256, purpose, reason, since)."
        )
    # The dialect is given, not guessed: a ragged line is an error, not a different reading.
    columns = ", ".join(f"{string_literal(column)}: 'varchar'" for column in header)
    source = (
        f"read_csv({string_literal(str(path))}, auto_detect = false, header = true, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}})"
    )
    try:
        connection.execute(
            "create table suppressed as select distinct purpose, address "
            f"from {source} where channel = 'email' and nullif(address, '') is not null "
            "order by purpose, address"
        )
    except duckdb.Error as error:
        # DuckDB quotes the offending line, which holds an address: only its number is shown.
        line = re.search(r"[Ll]ine:? (\d+)", str(error))
        raise ExportError(
            f"{path}: not readable as the published suppression list (comma-separated, "
            f"double-quoted, header row){f' at line {line.group(1)}' if line else ''}. "
            "Publish it again; the details are not shown because they may contain an address."
        ) from None
    unknown = [
        purpose or "(empty)"
        for (purpose,) in connection.execute(
            "select distinct purpose from suppressed "
            f"where purpose is null or purpose not in ({', '.join(map(string_literal, PURPOSES))}) "
            "order by purpose"
        ).fetchall()
    ]
    if unknown:
        raise ExportError(
            f"{path}: e-mail rows with purpose {', '.join(map(repr, unknown))}; docs/contract.md "
            f"knows {', '.join(PURPOSES)}. Nothing was exported: fix the suppression list first."
        )


def _write_csv(
    connection: duckdb.DuckDBPyConnection, export: ExportFormat, purpose: str, path: Path
) -> int:
    (rows,) = connection.execute(
        f"copy (select address as {identifier(export.field)} from suppressed "
        f"where purpose = {string_literal(purpose)}) "  # in the table's order
        f"to {string_literal(str(path))} "
        f"(format csv, header, delimiter {string_literal(export.delimiter)}, quote '\"', escape '\"')"
    ).fetchone()
    return rows


def _write_json(
    connection: duckdb.DuckDBPyConnection,
    export: ExportFormat,
    purpose: str,
    path: Path,
    scratch: Path,
) -> int:
    """`{"<field>": [` on the first line, one address per line, `]}` on the last.

    Each address line is a JSON string (to_json escapes quotes, backslashes and control
    characters), written by DuckDB's CSV writer with a delimiter and a quote character that
    to_json always escapes, so no line is ever quoted. The first and last lines are added around
    them as bytes: a union sorted in DuckDB needs far more memory than the lines alone.
    """
    lines = scratch / f"{export.tool}-{purpose}.lines"
    (last_address,) = connection.execute(
        "select max(address) from suppressed where purpose = ?", [purpose]
    ).fetchone()
    # The address is a parameter, never SQL text, so no error message can quote it.
    (rows,) = connection.execute(
        "copy (select '  ' || to_json(address)::varchar"
        " || case when address = $last then '' else ',' end"
        f" from suppressed where purpose = {string_literal(purpose)}) "  # in the table's order
        f"to {string_literal(str(lines))} (format csv, header false, delimiter '\x1f', quote '\x1e')",
        {"last": last_address},
    ).fetchone()
    with path.open("wb") as target, lines.open("rb") as addresses:
        target.write(("{" + json.dumps(export.field) + ": [\n").encode())
        shutil.copyfileobj(addresses, target, _CHUNK)
        target.write(b"]}\n")
    lines.unlink()
    return rows


def _header(path: Path) -> list[str]:
    """The column names on the first line (no address is read here)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle), [])


def _owner_only_folder(path: Path) -> None:
    path.mkdir(mode=_OWNER_ONLY_DIR)
    path.chmod(_OWNER_ONLY_DIR)
