"""The `hygiene` command line: `hygiene <subcommand> …` (a console script; `python -m hygiene` too).

Each subcommand is two small functions, one adding its arguments and one running it, registered
once in SUBCOMMANDS. Heavy imports happen inside the run function, so one subcommand's
dependencies never slow down or break another.
"""

from __future__ import annotations

import argparse
import sys
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


# ---------- run


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=iso_date, required=True, help="the run date D, YYYY-MM-DD")


def _run(args: argparse.Namespace) -> int:
    from hygiene.foreground import run_night
    from hygiene.settings import Settings

    return run_night(args.date.isoformat(), Settings.from_env())


# ---------- dbt-docs


def _dbt_docs_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _dbt_docs(args: argparse.Namespace) -> int:
    from hygiene.dbt_docs import build_docs_page
    from hygiene.settings import DBT_DOCS_PAGE, DBT_PROJECT_DIR

    return _report_errors(
        lambda: [f"dbt's documentation of the rules: {build_docs_page(DBT_PROJECT_DIR, DBT_DOCS_PAGE)}"]
    )


# ---------- explain


def _explain_arguments(parser: argparse.ArgumentParser) -> None:
    subject = parser.add_mutually_exclusive_group(required=True)
    subject.add_argument("--address", help="an e-mail address or phone number, as typed")
    subject.add_argument("--contact-id", help="a CRM contact_id")
    subject.add_argument("--booking-id", help="a booking_id of a booking, quote or option")
    parser.add_argument(
        "--date", type=iso_date, help="the run date D, YYYY-MM-DD (default: the latest run)"
    )


def _explain(args: argparse.Namespace) -> int:
    from hygiene.explain import explain, published_run
    from hygiene.settings import Settings

    return _report_errors(
        lambda: explain(
            published_run(Settings.from_env().output_root, _date_text(args.date)),
            address=args.address,
            contact_id=args.contact_id,
            booking_id=args.booking_id,
        ).lines()
    )


# ---------- where


def _where_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", type=iso_date, help="the run date D, YYYY-MM-DD (default: the latest run)"
    )


def _where(args: argparse.Namespace) -> int:
    from hygiene.runs import find_run, where_lines
    from hygiene.settings import Settings

    return _report_errors(
        lambda: where_lines(find_run(Settings.from_env().output_root, _date_text(args.date)))
    )


# ---------- approve-deletions


def _approve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", type=iso_date, required=True, help="the run date D whose held list was reviewed"
    )
    parser.add_argument(
        "--by", required=True, help="the name of the person who reviewed and approves it"
    )
    parser.add_argument(
        "--yes", action="store_true", help="approve without asking (for scripts)"
    )


def _approve(args: argparse.Namespace) -> int:
    from hygiene.approve import ApprovalRefused, approve_deletions, held_list
    from hygiene.assets import DELETION_LIST, announce
    from hygiene.settings import Settings

    output_root = Settings.from_env().output_root
    day = args.date.isoformat()

    def approve() -> list[str]:
        held = held_list(output_root, day)
        if not args.yes and not _confirmed(held.lines() + ["", f"Approve it as {args.by}?"]):
            raise ApprovalRefused("Not approved: nothing was changed.")
        approval = approve_deletions(output_root, day, args.by)
        announced = announce(DELETION_LIST, {
            "run_date": approval.run_date, "path": str(approval.deletion_list),
            "rows": approval.rows, "status": "approved", "approved_by": approval.approved_by,
        })
        return [
            (
                f"Deletion list of {approval.run_date} approved by {approval.approved_by} "
                f"at {approval.approved_at}: {approval.rows:,} rows are now "
                f"{approval.deletion_list}"
            ),
            f"run_manifest.json records the approval and the list's sha256 {approval.sha256};",
            "the report no longer says the list is held.",
            announced.sentence,
        ]

    return _report_errors(approve)


def _confirmed(lines: list[str]) -> bool:
    """Ask on the terminal; without one, refuse (a script says --yes)."""
    if not sys.stdin.isatty():
        print("\n".join(lines[:-2]))
        print("No terminal to ask on: run it with --yes to approve without a question.",
              file=sys.stderr)
        return False
    print("\n".join(lines))
    return input("Type yes to approve: ").strip().lower() == "yes"


def _date_text(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _report_errors(produce: Callable[[], list[str]]) -> int:
    """Print what `produce` returns (exit 0), or the sentence of a HygieneError (exit 1)."""
    from hygiene.errors import HygieneError

    try:
        lines = produce()
    except HygieneError as error:
        print(f"hygiene: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


# ---------- registry: add a subcommand here

SUBCOMMANDS: dict[str, Subcommand] = {
    "generate": Subcommand(
        help="write one day's realistic demo landing folder",
        add_arguments=_generate_arguments,
        run=_generate,
    ),
    "run": Subcommand(
        help="run the nightly DAG for one D in the foreground (what `make run` does); waits for "
        "another run on the same output folder to finish first",
        add_arguments=_run_arguments,
        run=_run,
    ),
    "dbt-docs": Subcommand(
        help="build dbt's documentation of the rules as one page (the Airflow UI serves it)",
        add_arguments=_dbt_docs_arguments,
        run=_dbt_docs,
    ),
    "explain": Subcommand(
        help="explain, in words, every decision of a published run about an address, contact "
        "or booking",
        add_arguments=_explain_arguments,
        run=_explain,
    ),
    "where": Subcommand(
        help="print where the lists and the report of a published run are, and any G2 hold",
        add_arguments=_where_arguments,
        run=_where,
    ),
    "approve-deletions": Subcommand(
        help="after review, publish a run's held deletion list as its deletion_list.csv (G2)",
        add_arguments=_approve_arguments,
        run=_approve,
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
    from hygiene.settings import use_embedded_airflow_unless_configured

    args = build_parser().parse_args(argv)
    use_embedded_airflow_unless_configured()
    return args.run(args)
