"""Published runs as their readers find them: D's folder (or `latest`), its manifest, and where
its files are (CONTRACT.md "Output"). Shared by `explain`, `where` and `approve-deletions`.

Only `$HYGIENE_OUTPUT_DIR` is read, never the disposable warehouse: a published run explains
itself after the warehouse is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hygiene.command import hygiene_command
from hygiene.errors import HygieneError
from hygiene.publish import (
    DEGRADED,
    HELD_DELETION_LIST,
    LATEST,
    MANIFEST_FILE,
    last_full_run,
    read_manifest,
)
from hygiene.publish.layout import latest_date, published_dates
from hygiene.report import REPORT_FILE

# CONTRACT.md "Output", in the order the contract lists them.
CONTRACT_FILES = (
    "suppression_list.csv",
    "suppression_list_hashed.csv",
    "suppression_delta.csv",
    "marketing_eligibility.csv",
    "deletion_list.csv",
    REPORT_FILE,
    MANIFEST_FILE,
)
DELETION_LIST_FILE = "deletion_list.csv"


class RunNotFound(HygieneError):
    """No completely published run for the date asked (or none at all). `reason` and `fields`
    let a reader in another language say the same (hygiene.explain)."""

    def __init__(self, message: str, reason: str, **fields: str | tuple[str, ...]) -> None:
        super().__init__(message)
        self.reason = reason  # no_output_folder, no_latest or no_run_for_date
        self.fields = fields


@dataclass(frozen=True)
class PublishedRun:
    folder: Path  # `<output root>/<D>`: the link to D's published version, never `latest`
    run_date: str
    is_latest: bool
    manifest: dict

    @property
    def deletion_hold(self) -> dict:
        return self.manifest.get("deletion_hold") or {}

    @property
    def is_deletion_list_held(self) -> bool:
        """G2 held D's deletion list and nobody has approved or rejected it yet."""
        hold = self.deletion_hold
        return bool(hold.get("held")) and not hold.get("approved") and not hold.get("rejected")

    @property
    def is_deletion_list_approved(self) -> bool:
        return bool(self.deletion_hold.get("held")) and bool(self.deletion_hold.get("approved"))

    @property
    def held_deletion_list(self) -> Path:
        return self.folder / HELD_DELETION_LIST

    def output_rows(self, file: str) -> int | None:
        return self.manifest.get("outputs", {}).get("rows", {}).get(file)

    @property
    def is_degraded(self) -> bool:
        """G5: a failed night's update, its lists the previous run's with the day's objections."""
        return self.manifest.get("status") == DEGRADED

    @property
    def failed_task(self) -> str:
        """The task whose failure made a degraded night."""
        return (self.manifest.get("degraded") or {}).get("failed_task") or "?"

    def last_full_run(self) -> str | None:
        """The D of the latest run before this one whose decisions can still be explained."""
        return last_full_run(self.folder.parent, self.run_date, explainable=True)


def find_run(output_root: Path, run_date: str | None = None) -> PublishedRun:
    """D's published run, or the latest one when `run_date` is None.

    A folder without `run_manifest.json` was never completely published (it is written last)
    and does not count.
    """
    if not output_root.is_dir():
        raise RunNotFound(
            f"There is no output folder {output_root} ($HYGIENE_OUTPUT_DIR): nothing has been "
            "published there yet. Point HYGIENE_OUTPUT_DIR at the published runs, or run "
            "`make demo` / `make run DATE=YYYY-MM-DD` first.",
            "no_output_folder", output_root=str(output_root),
        )
    latest = latest_date(output_root)
    if run_date is None:
        if latest is None:
            raise RunNotFound(
                f"{output_root} ($HYGIENE_OUTPUT_DIR) has no `{LATEST}` run yet: no run has been "
                "published there. Run `make run DATE=YYYY-MM-DD`, or give --date.",
                "no_latest", output_root=str(output_root),
            )
        run_date = latest
    folder = output_root.resolve() / run_date
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.is_file():
        published = tuple(published_dates(output_root)[-10:])
        raise RunNotFound(
            f"No published run for {run_date} in {output_root} ($HYGIENE_OUTPUT_DIR). "
            f"Published runs: {', '.join(published) or 'none'}.",
            "no_run_for_date", output_root=str(output_root), run_date=run_date,
            published=published,
        )
    return PublishedRun(
        folder=folder,
        run_date=run_date,
        is_latest=run_date == latest,
        manifest=read_manifest(folder),
    )


def where_lines(run: PublishedRun) -> list[str]:
    """Where the lists and the report of a run are, and whether G2 holds its deletion list."""
    title = f"Run of {run.run_date}" + (" (latest)" if run.is_latest else "")
    lines = [f"{title}: {run.folder}"]
    if run.is_degraded:
        full = run.last_full_run()
        lines += [
            (
                f"  DEGRADED (G5): task {run.failed_task} failed, so its lists are the previous "
                "run's with the day's objections and unsubscribes added, and it deletes nothing. "
                "Fix the cause (the report and the manifest say it) and run the night again."
            ),
            (
                f"  The last full night is {full}." if full
                else "  No full night was published before it."
            ),
        ]
    files = list(CONTRACT_FILES)
    if run.held_deletion_list.is_file():
        files.insert(files.index(DELETION_LIST_FILE) + 1, str(HELD_DELETION_LIST))
    for name in files:
        path = run.folder / name
        rows = run.output_rows(name)
        count = "missing" if not path.is_file() else f"{rows:,} rows" if rows is not None else ""
        lines.append(f"  {count:>12}  {path}")
    hold = run.deletion_hold
    if run.is_deletion_list_held:
        lines += [
            "",
            (
                f"The deletion list of {run.run_date} is HELD for approval (G2): "
                f"{hold.get('reason') or 'it is larger than usual'}."
            ),
            f"  {DELETION_LIST_FILE} is published empty; the full list is {run.held_deletion_list}",
            "  After a person has reviewed it, approve it with:",
            f"    {hygiene_command()} approve-deletions --date {run.run_date} --by 'YOUR NAME'",
        ]
    elif hold.get("rejected"):
        lines += [
            "",
            (
                f"The deletion list of {run.run_date} was held (G2) and rejected by "
                f"{hold.get('rejected_by')} at {hold.get('rejected_at')}: nothing of it is deleted."
            ),
        ]
    elif run.is_deletion_list_approved:
        lines += [
            "",
            (
                f"The deletion list of {run.run_date} was held (G2) and approved by "
                f"{hold.get('approved_by')} at {hold.get('approved_at')}: "
                f"{run.folder / DELETION_LIST_FILE} is the reviewed list."
            ),
        ]
    lines += [
        "",
        "Why an address, contact or booking is on a list: "
        f"{hygiene_command()} explain --address … | --contact-id … | --booking-id …"
        + ("" if run.is_latest else f" --date {run.run_date}"),
    ]
    return lines
