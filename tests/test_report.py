"""The privacy report's words, formats and files, from hand-made facts (no night is run): every
word in both languages in one catalogue, codes spelled out with their rule, Dutch numbers and
dates, one self-contained HTML file and an A4 PDF beside it, both owner-only (AVG art. 5(2):
the privacy officer archives them). tests/test_report_nights.py renders real nights."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from hygiene.language import LANGUAGES, current_language
from hygiene.policy import load_policy
from hygiene.report import PDF_FILE, REPORT_FILE, degraded_facts, write_report
from hygiene.report.render import HtmlWords
from hygiene.report.words import MESSAGES, Words
from hygiene.settings import POLICY_SEED
from published_run import D, report_facts

TEMPLATES = Path(__file__).resolve().parents[1] / "plugins" / "hygiene" / "report" / "templates"
A4_POINTS = (595, 842)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What a page must never do to be read offline, from an archive, without telling anyone.
FETCHING = re.compile(r"<script|<link|<img|<iframe|\bsrc=|@import|url\(|href=\"(?!#|quality/)",
                      re.IGNORECASE)


def visible_text(html: str) -> str:
    """The text a reader sees: no style sheet, no tags, entities decoded."""
    import html as html_module

    html = re.sub(r"<style>.*?</style>|<title>.*?</title>", " ", html, flags=re.DOTALL)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


def fragments(text: str) -> list[str]:
    """The fixed parts of a message (its text between placeholders) long enough to be its own."""
    return [part.strip() for part in PLACEHOLDER.split(text)[::2]
            if len(part.strip()) >= 8 and re.search(r"[a-zA-Z]{3}", part)]


def leftovers(text: str, language: str) -> list[str]:
    """Messages of the other language found in `text` (derived from the catalogue: only where the
    two languages differ)."""
    other = LANGUAGES.index("en" if language == "nl" else "nl")
    mine = LANGUAGES.index(language)
    found = []
    for key, texts in MESSAGES.items():
        if texts[other] == texts[mine]:
            continue
        own = " ".join(texts[mine] for texts in MESSAGES.values())
        found += [f"{key}: {part}" for part in fragments(texts[other])
                  if part not in own and re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text)]
    return found


def degraded(language: str, **failure) -> dict:
    manifest = {
        "code_version": "c0de",
        "degraded": {
            "failed_task": "load_raw",
            "reason": "bookings.csv, row 4, column booked_at: not a timestamp",
            "read": {"rows": {"consent_events.csv": 120, "crm_contacts.csv": 60},
                     "unusable": {"bookings.csv": {"problem": "columns_missing",
                                                   "columns": ["contact_id"]}}},
            "new_stops": 3,
            **failure,
        },
        "inputs": {"bookings.csv": {"sha256": "b" * 64}, "consent_events.csv": {"sha256": "c" * 64}},
        "outputs": {"rows": {"suppression_list.csv": 1234, "marketing_eligibility.csv": 567}},
    }
    facts = degraded_facts(D, load_policy(POLICY_SEED, environ={}), manifest, "c0de", None, [])
    return {**facts, "language": language}


# ---------------------------------------------------------------------------- the catalogue


def test_every_message_is_written_in_both_languages_with_the_same_placeholders():
    for key, texts in MESSAGES.items():
        assert len(texts) == len(LANGUAGES) and all(text.strip() for text in texts), key
        assert len({frozenset(PLACEHOLDER.findall(text)) for text in texts}) == 1, key


def test_templates_hold_no_words_of_their_own():
    """Every word of a page comes from the catalogue: a template's text outside its tags and
    expressions is punctuation at most."""
    for template in TEMPLATES.glob("*.j2"):
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", template.read_text(), flags=re.DOTALL)
        text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.DOTALL)
        assert not re.findall(r"[A-Za-z]{2,}", text), (template.name, text.split())


def test_codes_are_spelled_out_with_their_rule_as_the_key():
    words = Words("nl")
    assert words.code("reason", "no_basis") == "geen grondslag (M9)"
    assert words.code("reason", "objected") == "bezwaar (M5)"
    assert words.code("basis", "soft_opt_in") == "zachte opt-in (M2)"
    for kind in ("reason", "basis", "rule", "kept_by"):
        for key in (key for key in MESSAGES if key.startswith(f"{kind}.")):
            for text in MESSAGES[key]:
                assert re.search(r"\([MRG]\d+(, [MRG]\d+)*\)$", text), (key, text)
    assert words.code("reason", "some_new_reason") == "some_new_reason"  # never breaks a night


def test_every_setting_of_the_policy_is_named_in_words():
    """The report's policy tables name each setting in the reader's language; the code itself
    (`deletion_approval_time`) is only the fallback for a setting newer than the catalogue."""
    for setting in load_policy(POLICY_SEED, {}).settings:
        assert f"policy.what.{setting.policy_key}" in MESSAGES, setting.policy_key


def test_numbers_and_dates_are_written_as_each_language_writes_them():
    dutch, english = Words("nl"), Words("en")
    assert (dutch.number(1234567), english.number(1234567)) == ("1.234.567", "1,234,567")
    assert (dutch.percent(0.0708), english.percent(0.0708)) == ("7,1%", "7.1%")
    assert dutch.percent(0.02) == "2%" and dutch.percent(0.0001) == "minder dan 0,1%"
    assert (dutch.change(-13), dutch.change(12), dutch.change(0)) == ("\u221213", "+12", "gelijk")
    assert (dutch.date("2026-11-28"), english.date("2026-11-28")) == (
        "28 november 2026", "28 November 2026")
    assert dutch.moment("2026-12-01T10:05:00+01:00") == "1 december 2026 om 10:05"
    assert (dutch.period(7, "years"), dutch.period(1, "months"), english.period(30, "days")) == (
        "7 jaar", "1 maand", "30 days")


def test_one_thing_is_counted_in_the_singular():
    dutch, english = Words("nl"), Words("en")
    assert dutch.counted("todo.unproven", 1).startswith("1 toestemming heeft geen bewijs (M4)")
    assert dutch.counted("todo.unproven", 1234).startswith(
        "1.234 toestemmingen hebben geen bewijs (M4)")
    assert english.counted("todo.overdue", 1).startswith("1 deletion is overdue (G3)")
    assert dutch.counted("todo.quality", 2).startswith("2 bevindingen bij de datakwaliteit")
    for key in (key[: -len(".one")] for key in MESSAGES if key.startswith("todo.")
                and key.endswith(".one")):
        for words in (dutch, english):
            assert words.counted(key, 1) == words(f"{key}.one")
            assert words.counted(key, 3).startswith("3 "), key


def test_the_report_is_dutch_unless_hygiene_language_says_english():
    assert current_language({}) == "nl"
    assert current_language({"HYGIENE_LANGUAGE": "EN"}) == "en"
    assert current_language({"HYGIENE_LANGUAGE": "fr"}) == "nl"  # a typo never stops a night (G5)


def test_html_words_escape_the_message_and_its_values():
    words = HtmlWords("nl")
    assert str(words("proof.missing.reference", count="<b>")) == "bewijsnummer: &lt;b&gt;"


# ---------------------------------------------------------------------------- the files


def card_html(html: str, card: str) -> str:
    """One card of the report's glance, by its id."""
    return re.search(rf'<div class="card" id="card-{card}">(.*?)</div>', html, re.DOTALL).group(1)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """The hand-made night's report and a degraded one, each in Dutch and in English."""
    folders = {}
    for language in LANGUAGES:
        for kind, facts in (("night", {**report_facts(D, held=True), "language": language}),
                            ("degraded", degraded(language))):
            folder = tmp_path_factory.mktemp(f"{kind}-{language}")
            write_report(folder, facts)
            folders[f"{kind}-{language}"] = folder
    return folders


def test_report_and_pdf_are_owner_only_files_written_whole(rendered):
    for folder in rendered.values():
        for name in (REPORT_FILE, PDF_FILE, "report_facts.json"):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
        assert not [path.name for path in folder.iterdir() if path.name.startswith(".")]


def test_report_is_one_self_contained_file_that_needs_no_script(rendered):
    for folder in rendered.values():
        html = (folder / REPORT_FILE).read_text()
        assert not FETCHING.findall(html), FETCHING.findall(html)
        assert "<svg" in html and "<style>" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_label_of_the_other_language_is_left(rendered, language):
    for kind in ("night", "degraded"):
        text = visible_text((rendered[f"{kind}-{language}"] / REPORT_FILE).read_text())
        assert not leftovers(text, language), (kind, leftovers(text, language))


def test_g5_degraded_report_says_what_failed_what_was_honoured_and_what_to_do(rendered):
    text = visible_text((rendered["degraded-nl"] / REPORT_FILE).read_text())
    assert "Deze nacht is mislukt bij het inlezen van de exports (G1)" in text
    assert "bookings.csv, row 4, column booked_at: not a timestamp" in text  # for the data team
    assert ("3 combinaties van adres en doel met een afmelding of bezwaar zijn uit de exports van "
            "vannacht gelezen; ze staan alle op de onderdrukkingslijst") in " ".join(text.split())
    assert "niet gebruikt: kolom(men) contact_id ontbreken" in text
    assert "Geen onderdrukking is opgeheven." in text
    assert "vannacht wordt niets verwijderd of geminimaliseerd" in text
    assert "1.234" in text and "Draai daarna de nacht van 28 november 2026 opnieuw" in text


def test_g5_a_degraded_night_after_a_full_one_says_it_decides_no_deletions(tmp_path):
    """The night before counted deletions; a degraded night decides none, which is this night's
    doing, not a count the night before lacks."""
    facts = {**degraded("nl"), "previous": {
        "run_date": "2026-11-27", "totals": {"eligible": 560, "suppressed": 1200, "due": 2499}}}
    write_report(tmp_path, facts)
    html = (tmp_path / REPORT_FILE).read_text()
    due = " ".join(visible_text(card_html(html, "due")).split())
    assert due == ("Vandaag te verwijderen — geen vergelijking: deze run bepaalt dit aantal niet "
                   "vannacht wordt niets verwijderd (G5)")
    assert "+7 sinds 27 november 2026" in " ".join(visible_text(card_html(html, "eligible")).split())


def test_g5_a_bad_setting_is_named_as_what_to_repair_not_the_extracts(tmp_path):
    """A wrong setting fails the first task that reads it (load_raw): the report sends the
    privacy officer to the data team, not to the owners of the extracts."""
    write_report(tmp_path, degraded(
        "nl", cause="setting",
        reason="HYGIENE_DUCKDB_MEMORY_LIMIT='lots': give an amount such as 6GB or 7372MiB"))
    text = " ".join(visible_text((tmp_path / REPORT_FILE).read_text()).split())
    assert "Deze nacht is mislukt bij het lezen van de instellingen" in text
    assert "Het ging mis bij het lezen van de instellingen." in text
    assert "laat het datateam haar herstellen. Aan de exports ligt het niet." in text
    assert "inlezen van de exports" not in text and "laat de export" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_g5_a_stopped_night_says_where_it_was_stopped_not_that_the_extracts_failed(
        tmp_path, language):
    """A signal stopped `make run` in dbt (hygiene.stopping): the report names the step and the
    stop, and sends the privacy officer to the data team, not to the extracts' owners."""
    write_report(tmp_path, degraded(language, cause="stopped", failed_task="rules.dbt_producer_watcher",
                                    reason="make run was stopped by SIGTERM"))
    text = " ".join(visible_text((tmp_path / REPORT_FILE).read_text()).split())
    if language == "nl":
        assert ("Deze nacht is mislukt bij het toepassen van de regels, omdat de verwerking daar "
                "is onderbroken.") in text
        assert ("Iemand of een tijdslimiet op de server heeft de nacht onderbroken; aan de exports "
                "ligt het niet. Vraag het datateam waarom.") in text
        assert "laat de export" not in text
    else:
        assert ("This night failed in applying the rules, because processing was interrupted "
                "there.") in text
        assert "the extracts are not at fault. Ask the data team why." in text
    assert "make run was stopped by SIGTERM" in text


def test_pdf_is_a4_with_page_numbers_and_the_same_totals_as_the_html(rendered):
    folder = rendered["night-nl"]
    reader = PdfReader(folder / PDF_FILE)
    pages = len(reader.pages)
    assert pages >= 2
    for page in reader.pages:
        assert tuple(round(float(value)) for value in page.mediabox[2:]) == A4_POINTS
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"1 / {pages}" in text and f"{pages} / {pages}" in text
    assert "Privacyrapport van 28 november 2026" in text
    html = " ".join(visible_text((folder / REPORT_FILE).read_text()).split())
    for label in ("Mag gemaild worden", "Onderdrukt", "Vandaag te verwijderen"):
        number = re.search(rf"{label}\s+([\d.]+)", html).group(1)
        assert re.search(rf"{label}\s+{re.escape(number)}", text), label


def test_pdf_links_stay_relative_so_the_same_report_gives_the_same_bytes_anywhere(tmp_path):
    """The links point into the archived folder (quality/…), never at the folder that rendered
    it; so a rerun of D, rendered in another staging folder, publishes an identical PDF (G4)."""
    facts = {**report_facts(D, held=False), "quality": {"extracts": {}, "suites": [
        {"suite": "marts", "success": True, "checks": 3, "passed": 3, "warnings": 0, "skipped": 0}]}}
    pdfs = []
    for name in ("one", "other"):
        folder = tmp_path / name
        folder.mkdir()
        write_report(folder, facts)
        pdfs.append((folder / PDF_FILE).read_bytes())
        links = [annotation.get_object()["/A"]["/URI"]
                 for page in PdfReader(folder / PDF_FILE).pages
                 for annotation in page.get("/Annots", []) if "/A" in annotation.get_object()]
        assert links == ["quality/marts.html"]
    assert pdfs[0] == pdfs[1]
