"""Render the report from its facts: `privacy_report.html` and, from the same HTML,
`privacy_report.pdf` (A4, page numbers: the copy the privacy officer archives, AVG art. 5(2));
and a page per data-quality suite, `quality/<suite>.html`.

Each page is one self-contained file: CSS inline, charts as inline SVG, no script, no font or
image from elsewhere, so that it reads the same offline, from an archive, on paper, and tells no
third party that it was opened. Every file is written owner-only beside a temporary name and
renamed into place: a reader never sees half a report, and HTML and PDF are both rendered again
whenever the report is (`rewrite_report`, on an approval of a held list).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from hygiene.guards import NORM_FACTOR
from hygiene.language import LANGUAGES, current_language
from hygiene.publish import night_state, write_manifest
from hygiene.publish.layout import write_owner_only
from hygiene.publish.lists import (
    DELETION_LIST,
    HELD_DELETION_LIST,
    OVERDUE_REVIEW,
    UNPROVEN_REVIEW,
    VALIDATION_FOLDER,
)
from hygiene.quality.suites import SUITE_NAMES
from hygiene.report import charts, checks
from hygiene.report.facts import FACTS_FILE, FORMAT
from hygiene.report.words import MESSAGES, Words

REPORT_FILE = "privacy_report.html"
PDF_FILE = "privacy_report.pdf"
# What `rewrite_report` renders again, for the manifest's checksums after an approval.
REPORT_FILES = (REPORT_FILE, PDF_FILE, FACTS_FILE)


def write_report(folder: Path, facts: dict) -> Path:
    """Render the report into `folder` as HTML and PDF, beside the facts it was rendered from
    (counts only, and the report's language), so that it can be rendered again later in the
    same language."""
    write_manifest(folder / FACTS_FILE, facts)
    template = "degraded_report.html.j2" if facts["status"] == "degraded" else "privacy_report.html.j2"
    html = _environment().get_template(template).render(**report_context(facts))
    path = folder / REPORT_FILE
    write_owner_only(path, html.encode("utf-8"))
    write_owner_only(folder / PDF_FILE, _pdf(html))
    return path


def rewrite_report(folder: Path, **changes) -> Path | None:
    """Render a published night's report (HTML and PDF) again with `changes` to its facts (an
    approval or a rejection of its held list). None, and the report left as it is, for a run
    published before its facts were kept in this shape: the manifest still records the change."""
    if not (folder / FACTS_FILE).is_file():
        return None
    facts = json.loads((folder / FACTS_FILE).read_text())
    if facts.get("format") != FORMAT:
        return None
    return write_report(folder, {**facts, **changes})


def write_quality_pages(folder: Path, run_date: str, language: str | None = None) -> list[Path]:
    """`quality/<suite>.html` for each `quality/<suite>.json` in the run's folder: every check in
    plain words, what it found (counts and row numbers) and what to do."""
    words = HtmlWords(language or current_language())
    written = []
    for suite in SUITE_NAMES:
        results = folder / VALIDATION_FOLDER / f"{suite}.json"
        if not results.is_file():
            continue
        saved = json.loads(results.read_text())
        page = {**saved["summary"], "suite": suite, "results": saved["checks"],
                "skipped_checks": saved["skipped"]}
        html = _environment().get_template("quality_suite.html.j2").render(
            t=words, checks=checks, suite=page, run_date=run_date, results_file=results.name,
        )
        path = results.with_suffix(".html")
        write_owner_only(path, html.encode("utf-8"))
        written.append(path)
    return written


def quality_page(suite: str) -> str:
    """Where a suite's page is, relative to the run's folder (the report links to it)."""
    return f"{VALIDATION_FOLDER}/{suite}.html"


# ------------------------------------------------------------------------------- the context


class HtmlWords(Words):
    """The words as a template uses them: a message is escaped, and so are its values, unless
    they are markup themselves (a number with its colour, say)."""

    def __call__(self, key: str, **values: object) -> Markup:
        text = Markup.escape(MESSAGES[key][LANGUAGES.index(self.language)])
        return text.format(**values) if values else text



def report_context(facts: dict) -> dict:
    """What the templates read: the facts, the words, the charts and the derived sentences."""
    words = HtmlWords(facts["language"])
    status = facts["status"]
    hold = facts.get("hold") or {}
    state = night_state(status, hold)
    context = {
        "f": facts,
        "t": words,
        "state": state,
        "checks": checks,
        "quality_page": quality_page,
        "quality_folder": VALIDATION_FOLDER,
        "files": {
            "held": str(HELD_DELETION_LIST),
            "deletion_list": DELETION_LIST.file,
            "overdue": OVERDUE_REVIEW.file,
            "unproven": UNPROVEN_REVIEW.file,
        },
        "hold_reason": hold_reason(hold, words),
        "history_chart": charts.history_chart(facts.get("history") or [], words),
    }
    if status != "degraded":
        context["months_chart"] = charts.monthly_deletions_chart(
            facts["deletions"]["by_month"], words)
        context["todo"] = todo(facts, state, words)
    return context


def hold_reason(hold: dict, words: Words) -> str:
    """Why G2 held the list, in the report's language, from the hold's numbers (guards.py)."""
    if not hold.get("held"):
        return ""
    if "share" not in hold:  # a hold recorded before its numbers were
        return hold.get("reason", "")
    reasons = []
    if hold["max_share"] < 1 and hold["share"] > hold["max_share"]:
        reasons.append(words("hold.share", deletions=words.number(hold["contact_deletions"]),
                             contacts=words.number(hold["contacts"]),
                             share=words.percent(hold["share"]),
                             max_share=words.percent(hold["max_share"])))
    median = hold.get("recent_median")
    if median is not None and hold["contact_deletions"] > NORM_FACTOR * max(median, 1):
        reasons.append(words("hold.norm", deletions=words.number(hold["contact_deletions"]),
                             factor=words.number(NORM_FACTOR), median=words.number(median)))
    return "; ".join(reasons) or hold.get("reason", "")


def todo(facts: dict, state: str, words: Words) -> list[str]:
    """What the privacy officer should do after tonight, most urgent first."""
    items = []
    if state == "held":
        command = Markup('<code>hygiene approve-deletions --date {} --by "{}"</code>').format(
            facts["run_date"], words("todo.your_name"))
        items.append(words("todo.approve", file=Markup("<code>{}</code>").format(
            HELD_DELETION_LIST), command=command))
    overdue = sum(row["subjects"] for row in facts["deletions"]["overdue"]
                  if row["status"] == "overdue")
    if overdue:
        items.append(words.counted("todo.overdue", overdue))
    if facts["proof"]["unproven"]:
        items.append(words.counted("todo.unproven", facts["proof"]["unproven"]))
    findings = sum(suite.get("failed_critical", 0) + suite.get("warnings", 0)
                   for suite in facts["quality"]["suites"])
    if findings:
        items.append(words.counted("todo.quality", findings))
    if any(item.get("extra_columns") for item in facts["quality"]["extracts"].values()):
        items.append(words("todo.extra_columns"))
    return items or [words("todo.nothing")]


# ------------------------------------------------------------------------------- writing


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("hygiene.report"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a fact the template expects and lacks is an error, not blank
        extensions=["jinja2.ext.do"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["breakable"] = breakable
    return environment


def breakable(name: object) -> str:
    """A technical name (`mailtool_unsubscribes.csv`) that may wrap after its underscores, not
    in the middle of a word: a zero-width space after each."""
    return str(name).replace("_", "_\u200b")


def _pdf(html: str) -> bytes:
    """The same HTML as an A4 PDF (its print CSS), by WeasyPrint; no URL is fetched.

    No base URL: the links to the quality pages stay relative, so they work in the archived
    folder and the same report gives the same bytes whichever staging folder rendered it."""
    from weasyprint import HTML

    def no_fetching(url: str, *args, **kwargs):
        raise ValueError(f"the report fetches nothing, not {url}")

    return HTML(string=html, url_fetcher=no_fetching).write_pdf()
