"""The `hygiene` command line: `python -m hygiene <subcommand> …`.

Each subcommand is two small functions, one adding its arguments and one running it, registered
once in SUBCOMMANDS. Heavy imports happen inside the run function, so one subcommand's
dependencies never slow down or break another.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Subcommand:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]  # returns the exit code


def iso_date(text: str) -> date:
    """argparse type for a date given as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give it as YYYY-MM-DD") from None


def positive_int(text: str) -> int:
    """argparse type for a count of at least 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return number


# ---------- generate


def _generate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=iso_date, required=True, help="the run date D, YYYY-MM-DD")
    parser.add_argument(
        "--contacts", type=positive_int, required=True, help="number of CRM contacts"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="the landing folder to write (D's own folder)"
    )
    parser.add_argument("--seed", type=int, default=7, help="same seed, same bytes (default 7)")
    parser.add_argument(
        "--dutch-spreadsheet",
        action="store_true",
        help="write ';'-delimited files with a UTF-8 BOM, as Dutch Excel exports are",
    )


def _generate(args: argparse.Namespace) -> int:
    from hygiene.generate import generate_landing

    landing = generate_landing(
        args.out, args.date, args.contacts, seed=args.seed, dutch_spreadsheet=args.dutch_spreadsheet
    )
    for file_name, rows in landing.rows_by_file().items():
        print(f"{file_name:28} {rows:>12,} rows")
    print(f"landing folder for {args.date.isoformat()} ready: {landing.folder}")
    return 0


# ---------- registry: add a subcommand here

SUBCOMMANDS: dict[str, Subcommand] = {
    "generate": Subcommand(
        help="write one day's realistic demo landing folder",
        add_arguments=_generate_arguments,
        run=_generate,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hygiene", description="Marketing-consent and retention hygiene for travel companies."
    )
    subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
    for name, subcommand in SUBCOMMANDS.items():
        sub_parser = subparsers.add_parser(name, help=subcommand.help, description=subcommand.help)
        subcommand.add_arguments(sub_parser)
        sub_parser.set_defaults(run=subcommand.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
