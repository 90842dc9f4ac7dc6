"""The text of an extract as the loaders need it: its encoding, delimiter and header.

CONTRACT.md: UTF-8 (a BOM is tolerated), comma or semicolon delimited (Dutch spreadsheet exports
use `;`). An export from a Windows program is often Windows-1252 instead: such a file is refused
with the line of its first bad byte, unless the operator says which encoding the extracts that
are not UTF-8 are in (`HYGIENE_EXTRACT_ENCODING=cp1252`); such a file is then read as a UTF-8
copy, while the extracts that are UTF-8 (another source system's) are read as they are. Values
are never quoted in a message: they may be personal data.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Mapping
from pathlib import Path

from hygiene.errors import ExtractError

ENCODING_VARIABLE = "HYGIENE_EXTRACT_ENCODING"
UTF8 = "utf-8"
_CHUNK = 1 << 20


def extract_encoding(environ: Mapping[str, str] | None = None) -> str:
    """The encoding the extracts are declared in (default UTF-8); an unknown name is refused."""
    environ = os.environ if environ is None else environ
    name = (environ.get(ENCODING_VARIABLE) or UTF8).strip()
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ExtractError(
            f"{ENCODING_VARIABLE}={name!r} is not an encoding Python knows; use e.g. utf-8 "
            "(the default) or cp1252 (Windows-1252)."
        ) from None


def first_non_utf8_line(path: Path) -> int | None:
    """The line number of the first byte sequence that is not UTF-8, else None."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return line + chunk[: error.start].count(b"\n")
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line
    return None


def readable_utf8(path: Path, encoding: str, scratch: Path, *, lenient: bool = False) -> Path:
    """`path` itself when it is UTF-8, else its UTF-8 copy in `scratch` when the operator declared
    the encoding of extracts that are not; raise ExtractError naming the line of the first bad
    byte otherwise.

    `lenient` (a degraded night, G5, reads what it can): bytes that do not decode are replaced
    instead, which spoils at most the values that hold them.
    """
    line = first_non_utf8_line(path)
    if line is None:
        return path
    if encoding != codecs.lookup(UTF8).name:
        return _utf8_copy(path, encoding, scratch, errors="replace" if lenient else "strict")
    if lenient:
        return _utf8_copy(path, UTF8, scratch, errors="replace")
    raise ExtractError(
        f"{path.name}, line {line}: not UTF-8; Windows-1252? If the export comes from a "
        f"Windows program, set {ENCODING_VARIABLE}=cp1252 and rerun, or have it exported "
        "as UTF-8."
    )


def _utf8_copy(path: Path, encoding: str, scratch: Path, *, errors: str) -> Path:
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / path.name
    with path.open("rb") as source, copy.open("w", encoding=UTF8, newline="") as target:
        decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        try:
            while chunk := source.read(_CHUNK):
                target.write(decoder.decode(chunk))
            target.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            raise ExtractError(
                f"{path.name}: not readable as {encoding} ({ENCODING_VARIABLE}) either; ask for "
                "a UTF-8 export."
            ) from None
    return copy


def read_header(path: Path) -> tuple[str, list[str]]:
    """The delimiter (`,` or `;`) and the column names of a UTF-8 file (a BOM is dropped)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        line = handle.readline()
    delimiter = ";" if line.count(";") > line.count(",") else ","
    header = next(csv.reader([line], delimiter=delimiter), [])
    return delimiter, [name.strip() for name in header]
