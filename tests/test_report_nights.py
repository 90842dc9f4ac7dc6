"""The privacy report of real nights (issue "The privacy officer's desk"): every section's numbers
against the marts of the night's warehouse and against the published lists of the night and
the one before, no personal data in the report, its PDF or its review files, and the page read
offline in a real browser.

    D0   generated extracts (150 contacts), in Dutch
    D1   D0's extracts plus a new objection, a new proven grant and a grant without proof (M4)
    D2   D1's extracts again, with HYGIENE_LANGUAGE=en

The nights run through tests/night_steps.py (the DAG's steps without Airflow); G2's share test
is off, so the lists are published (tests/test_approve.py covers the held report).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from hygiene.generate import generate_landing
from hygiene.report.words import Words
from hygiene.settings import Settings
from night_steps import TEST_HASH_KEY, run_night
from published_run import read_rows
from test_report import FETCHING, leftovers, visible_text

pytestmark = pytest.mark.slow

D0, D1, D2 = "2026-11-27", "2026-11-28", "2026-11-29"
OBJECTOR, GRANTEE, UNPROVEN = "C0000007", "C0000011", "C0000013"
STOPS = ("objected", "withdrawn")
DUTCH = Words("nl")


@dataclass(frozen=True)
class Nights:
    settings: Settings

    def folder(self, day: str) -> Path:
        return self.settings.output_root / day

    def facts(self, day: str) -> dict:
        return json.loads((self.folder(day) / "report_facts.json").read_text())

    def html(self, day: str) -> str:
        return (self.folder(day) / "privacy_report.html").read_text()

    def rows(self, day: str, file: str) -> list[dict]:
        return read_rows(self.folder(day) / file)

    def query(self, day: str, sql: str) -> list[tuple]:
        """The marts of D's warehouse (publish_run keeps the newest finished one as <D>.duckdb)."""
        with duckdb.connect(str(self.settings.warehouse_dir / f"{day}.duckdb"), read_only=True) as db:
            return db.execute(sql).fetchall()


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Nights:
    root = tmp_path_factory.mktemp("report-nights")
    settings = Settings(root / "landing", root / "output", root / "warehouse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
        patch.setenv("HYGIENE_DELETION_HOLD_SHARE", "1")
        patch.delenv("HYGIENE_LANGUAGE", raising=False)
        generate_landing(settings.landing(D0), date.fromisoformat(D0), 150)
        run_night(settings, D0)

        landing = settings.landing(D1)
        shutil.copytree(settings.landing(D0), landing)
        (landing / "extract_manifest.json").unlink()
        events = landing / "consent_events.csv"
        append(events, f"E-NEW-OBJECTION,{OBJECTOR},all,all,object,{D1}T09:00:00+01:00,web_form,,")
        append(events, f"E-NEW-GRANT,{GRANTEE},email,newsletter,grant,{D1}T10:00:00+01:00,"
                       "double_opt_in,doi-new,nb-2026-07")
        append(events, f"E-NEW-UNPROVEN,{UNPROVEN},sms,offers,grant,{D1}T11:00:00+01:00,import,,")
        run_night(settings, D1)

        shutil.copytree(landing, settings.landing(D2))
        patch.setenv("HYGIENE_LANGUAGE", "en")
        run_night(settings, D2)
    return Nights(settings)


def table(html: str, table_id: str) -> list[list[str]]:
    """The cells of table `table_id` as the reader sees them, row by row (header rows too)."""
    body = re.search(rf'<table id="{table_id}"[^>]*>(.*?)</table>', html, re.DOTALL).group(1)
    return [[" ".join(visible_text(cell).split()) for cell in
             re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)]


def card(html: str, name: str) -> tuple[str, str]:
    """(number, change line) of an at-a-glance card."""
    found = re.search(rf'id="card-{name}">.*?class="number">([^<]+)</p>\s*<p class="change">([^<]*)',
                      html, re.DOTALL)
    return found.group(1), " ".join(found.group(2).split())


def personal_data(landing: Path) -> set[str]:
    """The generated e-mail addresses (as typed and normalised), phone numbers and full names."""
    values: set[str] = set()
    with (landing / "crm_contacts.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values |= {row["email"].strip(), row["email"].strip().lower(), row["phone"].strip()}
            values.add(f"{row['first_name']} {row['last_name']}".strip())
    with (landing / "bookings.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values |= {row["booker_email"].strip(), row["booker_phone"].strip()}
    return {value for value in values if len(value) >= 8}


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


# ---------------------------------------------------------------------------- at a glance


def test_at_a_glance_counts_the_published_lists_with_their_change_since_the_previous_run(nights):
    html = nights.html(D1)
    for name, file in (("eligible", "marketing_eligibility.csv"),
                       ("suppressed", "suppression_list.csv"),
                       ("due", "deletion_list.csv")):
        now, before = len(nights.rows(D1, file)), len(nights.rows(D0, file))
        assert nights.facts(D1)["totals"][name] == now, name
        number, change = card(html, name)
        assert number == DUTCH.number(now), name
        assert change == f"{DUTCH.change(now - before)} sinds 27 november 2026", name
    assert card(nights.html(D0), "eligible")[1] == "geen vergelijking: dit is de eerste run"
    assert "Status van deze nacht: gepubliceerd" in visible_text(html)


def test_m9_every_channel_and_purpose_is_counted_as_in_the_marts(nights):
    marts = {(channel, purpose, code): count for channel, purpose, code, count in nights.query(
        D1, "select channel, purpose, basis, count(*) from marts.marketing_eligibility group by all "
            "union all select channel, purpose, reason, count(*) from marts.suppression_list "
            "group by all")}
    rows = table(nights.html(D1), "by-purpose")
    codes = ("consent", "soft_opt_in", "objected", "withdrawn", "invalid_proof", "no_basis")
    channels = {"e-mail": "email", "sms": "sms"}
    purposes = {DUTCH.code("purpose", p): p for p in ("newsletter", "offers", "partner_offers")}
    assert len(rows) == 2 + 6
    for row in rows[2:]:
        channel, purpose = channels[row[0]], purposes[row[1]]
        for code, cell in zip(codes, row[2:], strict=True):
            assert cell == DUTCH.number(marts.get((channel, purpose, code), 0)), (row, code)


# ---------------------------------------------------------------------------- changes


def test_m5_m8_changes_since_the_previous_run_match_the_two_runs_lists(nights):
    def keyed(day: str, file: str, key: tuple, code: str) -> dict:
        return {tuple(row[k] for k in key): row[code] for row in nights.rows(day, file)}

    suppression_key = ("channel", "address_sha256", "purpose")
    eligibility_key = ("channel", "address", "purpose")
    before = keyed(D0, "suppression_list_hashed.csv", suppression_key, "reason")
    now = keyed(D1, "suppression_list_hashed.csv", suppression_key, "reason")
    changes = nights.facts(D1)["marketing"]["changes"]
    html = nights.html(D1)
    for kind, was, is_ in (("suppression", before, now),
                           ("eligibility",
                            keyed(D0, "marketing_eligibility.csv", eligibility_key, "basis"),
                            keyed(D1, "marketing_eligibility.csv", eligibility_key, "basis"))):
        moved = [(was.get(key), is_.get(key)) for key in was.keys() | is_.keys()
                 if was.get(key) != is_.get(key)]
        expected = {code: {"now": Counter(is_.values())[code],
                           "added": sum(1 for _, new in moved if new == code),
                           "removed": sum(1 for old, _ in moved if old == code)}
                    for code in set(was.values()) | set(is_.values())}
        assert {row["code"]: {k: row[k] for k in ("now", "added", "removed")}
                for row in changes[kind]} == expected, kind
        for row in table(html, f"{kind}-changes")[1:-1]:
            code = next(c for c in expected if DUTCH.code("reason" if kind == "suppression"
                                                            else "basis", c) == row[0])
            assert row[1:] == [DUTCH.number(expected[code][k]) for k in ("now", "added", "removed")]
    new_stops = Counter(reason for key, reason in now.items()
                        if reason in STOPS and before.get(key) not in STOPS)
    reported = Counter()
    for row in changes["new_stops"]:
        reported[row["reason"]] += row["addresses"]
    assert reported == new_stops and new_stops["objected"] >= 3  # the objector, every purpose
    assert table(html, "new-stops")[-1][-1] == DUTCH.number(sum(new_stops.values()))


def test_a_night_without_a_previous_run_says_there_is_no_comparison(nights):
    assert nights.facts(D0)["marketing"]["changes"] is None
    assert "Geen vergelijking: dit is de eerste run." in visible_text(nights.html(D0))


# ---------------------------------------------------------------------------- consent proof


def test_m4_grants_without_proof_by_source_and_version_match_staging_and_the_review_file(nights):
    marts = nights.query(D1, """
        select event_source, coalesce(consent_text_version, ''), count(*),
            count(*) filter (where not has_proof)
        from staging.stg_crm__consent_events where action = 'grant' group by all""")
    proof = nights.facts(D1)["proof"]
    assert proof["grants"] == sum(row[2] for row in marts)
    assert proof["unproven"] == sum(row[3] for row in marts)
    assert {(row["event_source"], row["consent_text_version"] or "", row["grants"], row["unproven"])
            for row in proof["by_version"]} == {row for row in marts if row[3]}
    review = nights.rows(D1, "review/unproven_grants.csv")
    assert len(review) == proof["unproven"]
    assert "E-NEW-UNPROVEN" in {row["event_id"] for row in review}
    assert list(review[0]) == ["event_id", "contact_id", "channel", "purpose", "occurred_on",
                               "event_source", "consent_text_version", "lacks_proof_ref",
                               "lacks_text_version"]
    rows = table(nights.html(D1), "proof-by-source")
    assert rows[-1][1:3] == [DUTCH.number(proof["grants"]), DUTCH.number(proof["unproven"])]
    assert f"{DUTCH.number(proof['unproven'])} rijen" in visible_text(nights.html(D1))


# ---------------------------------------------------------------------------- deletions


def test_deletions_due_today_are_the_published_deletion_list_by_rule_and_action(nights):
    listed = Counter((row["subject_type"], row["action"], row["rule"])
                     for row in nights.rows(D1, "deletion_list.csv"))
    reported = {(row["subject_type"], row["action"], row["rule"]): row["subjects"]
                for row in nights.facts(D1)["deletions"]["due"]}
    assert reported == dict(listed) and listed
    rows = table(nights.html(D1), "due")
    assert rows[-1][-1] == DUTCH.number(sum(listed.values()))
    for (subject, action, rule), count in listed.items():
        assert [DUTCH.code("subject", subject), DUTCH.code("action", action),
                DUTCH.code("rule", rule), DUTCH.number(count)] in rows


def test_upcoming_deletions_and_the_months_ahead_count_the_deadlines_not_kept(nights):
    d1 = date.fromisoformat(D1)
    deadlines = [row for row in nights.rows(D1, "explain/retention_deadlines.parquet")
                 if row["due_date"] and not row["kept_by"] and date.fromisoformat(row["due_date"]) > d1]

    def within(days: int) -> Counter:
        return Counter((row["subject_type"], row["action"], row["rule"]) for row in deadlines
                       if date.fromisoformat(row["due_date"]) <= d1 + timedelta(days=days))

    deletions = nights.facts(D1)["deletions"]
    assert {(r["subject_type"], r["action"], r["rule"]): (r["within_30"], r["within_90"])
            for r in deletions["upcoming"]} == {key: (within(30)[key], count)
                                                for key, count in within(90).items()}
    months = Counter(row["due_date"][:7] for row in deadlines)
    assert [month["month"] for month in deletions["by_month"]] == [
        f"{2026 + (10 + n) // 12}-{(10 + n) % 12 + 1:02d}" for n in range(12)]
    for month in deletions["by_month"]:
        assert sum(month["rows"].values()) == months[month["month"]], month["month"]
    assert "<svg" in nights.html(D1) and "aan de beurt per maand" in nights.html(D1).lower()


def test_g3_r9_kept_overdue_unlinked_and_invalid_match_the_marts(nights):
    deletions = nights.facts(D1)["deletions"]
    assert sorted((r["kept_by"], r["subject_type"], r["subjects"]) for r in deletions["kept"]) == sorted(
        nights.query(D1, f"select kept_by, subject_type, count(*) from marts.fct_retention_deadlines "
                         f"where kept_by is not null and due_date <= '{D1}' group by all"))
    overdue = nights.rows(D1, "review/overdue_deletions.csv")
    assert sum(row["subjects"] for row in deletions["overdue"]) == len(overdue)
    links = Counter(row["link_method"] for row in nights.rows(D1, "explain/booking_links.parquet"))
    assert deletions["unlinked"]["bookings"] == links["unlinked"] > 0
    assert deletions["unlinked"]["total"] == sum(links.values())
    assert deletions["unlinked"]["due"] == len({
        row["subject_id"] for row in nights.rows(D1, "explain/retention_deadlines.parquet")
        if row["is_unlinked_booking"] == "true" and row["is_due"] == "true"})
    assert sorted((r["source_table"], r["column_name"], r["values_not_normalised"])
                  for r in deletions["invalid_addresses"]) == sorted(nights.query(
                      D1, "select source_table, column_name, count(*) "
                          "from intermediate.int_invalid_addresses group by all"))
    text = visible_text(nights.html(D1))
    assert (f"{DUTCH.number(links['unlinked'])} van de {DUTCH.number(sum(links.values()))} "
            "boekingen horen bij geen enkel contact") in " ".join(text.split())


# ---------------------------------------------------------------------------- quality, run facts


def test_data_quality_shows_every_suite_and_a_page_per_suite_lists_every_check(nights):
    manifest = json.loads((nights.folder(D1) / "run_manifest.json").read_text())
    suites = nights.facts(D1)["quality"]["suites"]
    assert [suite["suite"] for suite in suites] == ["raw_extracts", "consent_proof", "marts"]
    for suite in suites:
        summary = manifest["checks"][suite["suite"]]
        assert (suite["checks"], suite["passed"], suite["warnings"]) == (
            summary["checks"], summary["passed"], summary["warnings"])
        page = (nights.folder(D1) / "quality" / f"{suite['suite']}.html").read_text()
        assert len(table(page, "checks")) == 1 + summary["checks"]
        assert not FETCHING.findall(page)
    assert not (nights.folder(D1) / "quality" / "data_docs").exists()
    # D1 has no extract_manifest.json: the report says why its row-count checks were skipped
    assert "De export had geen extract_manifest.json" in visible_text(nights.html(D1))


def test_g4_run_facts_name_d_the_versions_and_every_input_checksum(nights):
    manifest = json.loads((nights.folder(D1) / "run_manifest.json").read_text())
    run = nights.facts(D1)["run"]
    assert run["inputs"] == manifest["inputs"]
    assert (run["code_version"], run["policy_version"], run["previous_run"]) == (
        manifest["code_version"], manifest["policy_version"], D0)
    rows = table(nights.html(D1), "inputs")
    assert [row[0] for row in rows[1:]] == sorted(manifest["inputs"])
    assert [row[2] for row in rows[1:]] == [item["sha256"] for _, item in sorted(manifest["inputs"].items())]


def test_history_chart_draws_every_published_night(nights):
    history = nights.facts(D2)["history"]
    assert [(night["run_date"], night["eligible"], night["suppressed"]) for night in history] == [
        (day, len(nights.rows(day, "marketing_eligibility.csv")),
         len(nights.rows(day, "suppression_list.csv"))) for day in (D0, D1, D2)]
    svg = re.search(r'<svg class="chart".*?</svg>', nights.html(D2), re.DOTALL).group(0)
    assert svg.count("<circle") == 2 * 3


# ---------------------------------------------------------------------------- files and words


def test_no_personal_data_in_the_report_its_pdf_facts_quality_pages_or_review_files(nights):
    secrets = personal_data(nights.settings.landing(D1))
    assert len(secrets) > 200
    for day in (D0, D1, D2):
        folder = nights.folder(day)
        texts = {"pdf": pdf_text(folder / "privacy_report.pdf")}
        for path in [folder / "privacy_report.html", folder / "report_facts.json",
                     *(folder / "quality").iterdir(), *(folder / "review").iterdir()]:
            texts[str(path.relative_to(folder))] = path.read_text(errors="replace")
        found = {(where, secret) for where, text in texts.items() for secret in secrets
                 if secret in text}
        assert not found, sorted(found)[:10]
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", texts["privacy_report.html"])


def test_pdf_is_a4_with_page_numbers_and_the_totals_of_the_html(nights):
    reader = PdfReader(nights.folder(D1) / "privacy_report.pdf")
    assert len(reader.pages) > 3
    assert {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages} == {(595, 842)}
    text = pdf_text(nights.folder(D1) / "privacy_report.pdf")
    assert f"1 / {len(reader.pages)}" in text
    html = nights.html(D1)
    for name in ("eligible", "suppressed", "due"):
        number, change = card(html, name)
        assert f"{number} {change}" in text, name


def test_english_with_hygiene_language_en_has_no_dutch_label_left_and_vice_versa(nights):
    for day, language in ((D1, "nl"), (D2, "en")):
        folder = nights.folder(day)
        pages = [folder / "privacy_report.html", *(folder / "quality").glob("*.html")]
        for page in pages:
            text = visible_text(page.read_text())
            assert not leftovers(text, language), (page.name, leftovers(text, language))
    assert '<html lang="en">' in nights.html(D2)
    assert "Privacy report of 29 November 2026" in pdf_text(nights.folder(D2) / "privacy_report.pdf")
    assert "Privacyrapport van 28 november 2026" in nights.html(D1)


@pytest.mark.browser
def test_report_opens_offline_in_chromium_without_errors_or_requests(nights, tmp_path):
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium; `make browser`)")
    from playwright.sync_api import sync_playwright

    report = (nights.folder(D1) / "privacy_report.html").resolve()
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(offline=True)
        page = context.new_page()

        def only_the_file(route):
            if route.request.url == report.as_uri():
                route.continue_()
            else:
                requests.append(route.request.url)
                route.abort()

        page.route("**/*", only_the_file)
        page.on("request", lambda request: request.url != report.as_uri()
                and requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri(), wait_until="load")
        assert page.title() == "Privacyrapport 28 november 2026"
        assert page.locator("svg.chart").count() == 2
        page.screenshot(path=str(tmp_path / "privacyrapport.png"), full_page=True)
        browser.close()
    assert not requests and not errors, (requests, errors)
    assert (tmp_path / "privacyrapport.png").stat().st_size > 10_000
