"""The demo extract generator: contract-shaped, reproducible, realistic and as messy as life."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from hygiene import generate as generate_module
from hygiene.extracts import (
    BOOKINGS,
    CONSENT_EVENTS,
    CRM_CONTACTS,
    EXTRACTS,
    MAILTOOL_UNSUBSCRIBES,
    MANIFEST_FILE,
    READY_FILE,
    Extract,
    Kind,
)
from hygiene.generate import generate_landing

REPO = Path(__file__).resolve().parents[1]
RUN_DATE = date(2025, 6, 30)  # summer time: Amsterdam is UTC+2
CONTACTS = 3000
AMSTERDAM = "Europe/Amsterdam"

TIMESTAMP_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
TIMESTAMP_IN_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
TIMESTAMP_WITHOUT_OFFSET = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
PLAIN_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
DUTCH_MOBILE_SPELLINGS = {
    "06 12345678": r"^06 \d{8}$",
    "06-12345678": r"^06-\d{8}$",
    "0612345678": r"^06\d{8}$",
    "+31 6 1234 5678": r"^\+31 6 \d{4} \d{4}$",
    "0031612345678": r"^00316\d{8}$",
    "+31612345678": r"^\+316\d{8}$",
}
BOOLEAN_SPELLINGS = {"true", "false", "1", "0", "yes", "no", "ja", "nee"}


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing") / RUN_DATE.isoformat()
    generate_landing(folder, RUN_DATE, CONTACTS)
    return folder


def read_extract(folder: Path, extract: Extract, delimiter: str = ",") -> pd.DataFrame:
    """Every cell as typed, empty cells as ''."""
    return pd.read_csv(
        folder / extract.file_name, sep=delimiter, dtype=str, na_filter=False, encoding="utf-8-sig"
    )


@pytest.fixture(scope="session")
def contacts(landing: Path) -> pd.DataFrame:
    return read_extract(landing, CRM_CONTACTS)


@pytest.fixture(scope="session")
def bookings(landing: Path) -> pd.DataFrame:
    return read_extract(landing, BOOKINGS)


@pytest.fixture(scope="session")
def events(landing: Path) -> pd.DataFrame:
    return read_extract(landing, CONSENT_EVENTS)


@pytest.fixture(scope="session")
def unsubscribes(landing: Path) -> pd.DataFrame:
    return read_extract(landing, MAILTOOL_UNSUBSCRIBES)


@pytest.fixture(scope="session")
def all_extracts(contacts, bookings, events, unsubscribes) -> dict[str, pd.DataFrame]:
    return {
        CRM_CONTACTS.name: contacts,
        BOOKINGS.name: bookings,
        CONSENT_EVENTS.name: events,
        MAILTOOL_UNSUBSCRIBES.name: unsubscribes,
    }


def values_of_kind(all_extracts: dict[str, pd.DataFrame], kind: Kind) -> pd.Series:
    """Every non-empty cell of every column of this kind, across the extracts."""
    cells = [
        all_extracts[extract.name][column.name]
        for extract in EXTRACTS
        for column in extract.columns
        if column.kind == kind
    ]
    values = pd.concat(cells, ignore_index=True)
    return values[values != ""]


# ------------------------------------------------------------- helpers that read the mess


def normalized_email(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower()


def crm_spellings(contacts: pd.DataFrame) -> dict[str, set[str]]:
    """Every spelling the CRM has of each normalized e-mail address."""
    with_email = contacts[contacts["email"] != ""]
    return with_email.groupby(normalized_email(with_email["email"]))["email"].agg(set).to_dict()


def spelled_unlike_the_crm(emails: pd.Series, spellings: dict[str, set[str]]) -> pd.Series:
    """True where an address the CRM knows is spelled in a way the CRM never spells it."""
    return pd.Series(
        [
            value not in spellings[key]
            for value, key in zip(emails, normalized_email(emails), strict=True)
        ],
        index=emails.index,
        dtype=bool,
    )


def mobile_subscriber(values: pd.Series) -> pd.Series:
    """'6' and eight digits for a valid Dutch mobile number in any spelling, else ''."""
    digits = values.str.replace(r"\D", "", regex=True)
    national = digits.str.replace(r"^(0031|31|0)", "", regex=True)
    valid = values.str.fullmatch(r"[\d +\-]+") & national.str.fullmatch(r"6\d{8}")
    return national.where(valid, "")


def to_utc(values: pd.Series) -> pd.Series:
    """Instants of ISO 8601 timestamps and dates; without an offset they are Amsterdam time."""
    has_offset = values.str.contains(r"(?:Z|[+-]\d\d:\d\d)$")
    aware = pd.to_datetime(values[has_offset], format="ISO8601", utc=True)
    naive = pd.to_datetime(values[~has_offset], format="ISO8601").dt.tz_localize(AMSTERDAM)
    return pd.concat([aware, naive.dt.tz_convert("UTC")])


# ------------------------------------------------------------------------------- contract


@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda e: e.name)
def test_header_lists_the_contract_columns_in_order(landing: Path, extract: Extract) -> None:
    header = (landing / extract.file_name).read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [column.name for column in extract.columns]


@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda e: e.name)
def test_values_are_accepted_required_filled_and_keys_unique(
    all_extracts, extract: Extract
) -> None:
    frame = all_extracts[extract.name]
    assert len(frame) > 0
    for column in extract.columns:
        if column.required:
            assert (frame[column.name] != "").all(), f"{extract.name}.{column.name} has empty cells"
        if column.accepted:
            used = set(frame[column.name]) - {""}
            assert used <= set(column.accepted), (
                f"{extract.name}.{column.name}: {used - set(column.accepted)}"
            )
    if extract.key:
        assert frame[extract.key].is_unique


@pytest.mark.parametrize(
    ("extract", "pattern"),
    [(CRM_CONTACTS, r"C\d{7}"), (BOOKINGS, r"B\d{8}"), (CONSENT_EVENTS, r"E\d{8}")],
    ids=lambda value: getattr(value, "name", value),
)
def test_ids_are_padded_and_rows_sorted_by_key(
    all_extracts, extract: Extract, pattern: str
) -> None:
    keys = all_extracts[extract.name][extract.key]
    assert keys.str.fullmatch(pattern).all()
    assert keys.is_monotonic_increasing


def test_unsubscribes_are_listed_in_the_order_they_happened(unsubscribes: pd.DataFrame) -> None:
    assert to_utc(unsubscribes["unsubscribed_at"]).sort_index().is_monotonic_increasing


def test_names_come_from_dutch_pools(contacts: pd.DataFrame) -> None:
    assert (contacts["first_name"] != "").all() and (contacts["last_name"] != "").all()
    assert contacts["first_name"].nunique() > 100
    assert contacts["last_name"].str.match(r"^(van|de|der|den) ").any()  # Dutch tussenvoegsels


# ---------------------------------------------------------------------- folder and manifest


def test_manifest_rows_and_sha256_match_the_files(landing: Path, all_extracts) -> None:
    manifest = json.loads((landing / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {extract.file_name for extract in EXTRACTS}
    for extract in EXTRACTS:
        entry = manifest["files"][extract.file_name]
        assert entry["rows"] == len(all_extracts[extract.name])
        assert (
            entry["sha256"]
            == hashlib.sha256((landing / extract.file_name).read_bytes()).hexdigest()
        )


def test_ready_is_empty_and_written_after_everything_else(landing: Path) -> None:
    ready = landing / READY_FILE
    assert ready.read_bytes() == b""
    others = [path for path in landing.iterdir() if path.name != READY_FILE]
    assert ready.stat().st_mtime_ns >= max(path.stat().st_mtime_ns for path in others)


def test_stale_ready_is_removed_before_files_are_rewritten(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / READY_FILE).write_bytes(b"")
    write_manifest = generate_module._write_manifest

    def manifest_without_ready(out_dir: Path, rows: dict[str, int]) -> None:
        assert not (out_dir / READY_FILE).exists(), (
            "a watcher would see half-written files as ready"
        )
        write_manifest(out_dir, rows)

    monkeypatch.setattr(generate_module, "_write_manifest", manifest_without_ready)
    generate_landing(tmp_path, RUN_DATE, 50)
    assert (tmp_path / READY_FILE).exists()


def test_generated_landing_reports_the_row_counts(tmp_path: Path) -> None:
    result = generate_landing(tmp_path, RUN_DATE, 200)
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert result.folder == tmp_path
    assert result.contacts == 200
    assert result.rows_by_file() == {
        name: entry["rows"] for name, entry in manifest["files"].items()
    }


def test_zero_contacts_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_landing(tmp_path, RUN_DATE, 0)


# ------------------------------------------------------------------------- determinism


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    generate_landing(tmp_path / "first", RUN_DATE, 400, seed=11)
    generate_landing(tmp_path / "second", RUN_DATE, 400, seed=11)
    assert folder_bytes(tmp_path / "first") == folder_bytes(tmp_path / "second")


@pytest.mark.slow
def test_same_arguments_give_identical_files_on_one_thread(tmp_path: Path, monkeypatch) -> None:
    """DuckDB's thread count must not change a byte (why random() is not used).

    Enough contacts that bookings and events span several of DuckDB's row groups (122,880 rows),
    so the parallel run really splits the work.
    """
    import duckdb

    contacts = 70_000
    generate_landing(tmp_path / "parallel", RUN_DATE, contacts, seed=11)
    connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: connect(*a, **k, config={"threads": 1}))
    generate_landing(tmp_path / "single", RUN_DATE, contacts, seed=11)
    assert folder_bytes(tmp_path / "parallel") == folder_bytes(tmp_path / "single")


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    generate_landing(tmp_path / "seven", RUN_DATE, 300, seed=7)
    generate_landing(tmp_path / "eight", RUN_DATE, 300, seed=8)
    seven, eight = folder_bytes(tmp_path / "seven"), folder_bytes(tmp_path / "eight")
    for extract in EXTRACTS:
        assert seven[extract.file_name] != eight[extract.file_name]


# ------------------------------------------------------------------- realistic proportions


def test_35_to_40_percent_are_customers_with_1_to_5_agreements_mostly_1_or_2(
    contacts: pd.DataFrame, bookings: pd.DataFrame
) -> None:
    binding = bookings[bookings["confirmed_at"] != ""]
    by_contact = (
        binding[binding["contact_id"].isin(contacts["contact_id"])].groupby("contact_id").size()
    )
    share_customers = len(by_contact) / len(contacts)
    assert 0.33 <= share_customers <= 0.42  # a few link by e-mail only, so slightly under 35-40 %
    assert by_contact.max() <= 5
    assert (by_contact <= 2).mean() > 0.6


def test_most_contacts_are_prospects_from_signups(contacts: pd.DataFrame) -> None:
    sources = contacts["signup_source"].value_counts(normalize=True)
    prospect_sources = ("newsletter", "account", "contest", "survey", "import")
    assert sources[list(prospect_sources)].sum() > 0.5
    assert set(sources.index) == set(CRM_CONTACTS.column("signup_source").accepted)


def test_bookings_include_quotes_options_cancellations_completed_and_future_trips(
    bookings: pd.DataFrame,
) -> None:
    statuses = bookings["status"].value_counts()
    assert set(statuses.index) == set(BOOKINGS.column("status").accepted)
    confirmed = bookings["confirmed_at"] != ""
    assert not confirmed[bookings["status"].isin(["quote", "option"])].any()
    assert (confirmed & (bookings["status"] == "cancelled")).sum() > 0  # cancelled after agreement
    assert (~confirmed & (bookings["status"] == "cancelled")).sum() > 0  # never agreed
    assert (bookings["departure_date"] > RUN_DATE.isoformat()).sum() > 0
    assert 1.5 <= len(bookings) / CONTACTS <= 2.5  # ~2 M bookings for a million contacts


def test_invoices_mostly_set_for_agreements_some_in_the_next_year(bookings: pd.DataFrame) -> None:
    binding = bookings[bookings["confirmed_at"] != ""]
    assert (binding["invoiced_at"] != "").mean() > 0.8
    assert (bookings.loc[bookings["confirmed_at"] == "", "invoiced_at"] == "").all()
    invoiced = binding[binding["invoiced_at"] != ""]
    assert (
        invoiced["invoiced_at"].str[:4].astype(int)
        == invoiced["confirmed_at"].str[:4].astype(int) + 1
    ).any()


def test_product_types_are_mostly_package_flight_accommodation(bookings: pd.DataFrame) -> None:
    shares = bookings["product_type"].value_counts(normalize=True)
    assert shares[["package", "flight", "accommodation"]].sum() > 0.7
    assert set(shares.index) == set(BOOKINGS.column("product_type").accepted)


def test_marketing_optout_mostly_but_not_always_offered(bookings: pd.DataFrame) -> None:
    offered = bookings["marketing_optout_offered"].str.lower().isin(["true", "1", "yes", "ja"])
    assert 0.8 < offered.mean() < 0.97


def test_legal_hold_on_about_half_a_percent_of_contacts(contacts: pd.DataFrame) -> None:
    on_hold = contacts["legal_hold"].str.lower().isin(["true", "1", "yes", "ja"])
    assert 0.002 <= on_hold.mean() <= 0.01


def test_about_three_consent_events_per_contact_many_contacts_without(
    contacts: pd.DataFrame, events: pd.DataFrame
) -> None:
    assert 2.5 <= len(events) / len(contacts) <= 3.5
    without_events = ~contacts["contact_id"].isin(events["contact_id"])
    assert 0.15 <= without_events.mean() <= 0.5
    assert events["contact_id"].isin(contacts["contact_id"]).all()


def test_unproven_grants_stay_below_the_share_that_fails_a_run(events: pd.DataFrame) -> None:
    grants = events[events["action"] == "grant"]
    unproven = (grants["proof_ref"] == "") | (grants["consent_text_version"] == "")
    assert 0.025 < unproven.mean() < 0.25  # HYGIENE_MAX_UNPROVEN_GRANT_SHARE: warn, do not fail


# ------------------------------------------------------------------------- the mess: e-mail


def test_crm_emails_come_in_mixed_case(contacts: pd.DataFrame) -> None:
    emails = contacts["email"]
    assert (emails != emails.str.lower()).sum() > 0


def test_crm_emails_have_leading_or_trailing_spaces(contacts: pd.DataFrame) -> None:
    emails = contacts["email"]
    assert emails.str.match(r"^\s").sum() > 0
    assert emails.str.contains(r"\s$").sum() > 0


def test_a_few_crm_emails_are_invalid(contacts: pd.DataFrame) -> None:
    emails = normalized_email(contacts["email"])
    emails = emails[emails != ""]
    without_at = ~emails.str.contains("@")
    without_tld = emails.str.contains("@") & ~emails.str.split("@").str[-1].str.contains(r"\.")
    assert without_at.sum() > 0 and without_tld.sum() > 0
    assert (without_at | without_tld).mean() < 0.02
    assert (contacts["email"] == "").sum() > 0  # phone- or paper-only contacts


def test_several_contacts_share_one_email(contacts: pd.DataFrame) -> None:
    emails = normalized_email(contacts["email"])
    per_address = emails[emails != ""].value_counts()
    assert (per_address > 1).sum() > 0.01 * len(contacts)


# ------------------------------------------------------------------------ the mess: phones


@pytest.mark.parametrize("spelling", DUTCH_MOBILE_SPELLINGS)
def test_phones_come_in_every_dutch_spelling(
    contacts: pd.DataFrame, bookings: pd.DataFrame, spelling
) -> None:
    pattern = DUTCH_MOBILE_SPELLINGS[spelling]
    assert contacts["phone"].str.fullmatch(pattern).sum() > 0
    assert bookings["booker_phone"].str.fullmatch(pattern).sum() > 0


def test_a_few_phones_are_invalid(contacts: pd.DataFrame) -> None:
    phones = contacts.loc[contacts["phone"] != "", "phone"]
    invalid = mobile_subscriber(phones) == ""
    assert invalid.sum() > 0 and invalid.mean() < 0.05


# ---------------------------------------------------------------------- the mess: bookings


@pytest.fixture(scope="session")
def bookings_with_contact(contacts: pd.DataFrame, bookings: pd.DataFrame) -> pd.DataFrame:
    crm = contacts[["contact_id", "email", "phone"]].rename(
        columns={"email": "crm_email", "phone": "crm_phone"}
    )
    return bookings.merge(crm, on="contact_id", how="inner")


def test_some_bookings_link_only_by_a_differently_spelled_booker_email(
    contacts: pd.DataFrame, bookings: pd.DataFrame
) -> None:
    spellings = crm_spellings(contacts)
    by_email_only = bookings[(bookings["contact_id"] == "") & (bookings["booker_email"] != "")]
    matching = by_email_only[normalized_email(by_email_only["booker_email"]).isin(spellings)]
    assert len(matching) > 0
    assert spelled_unlike_the_crm(matching["booker_email"], spellings).sum() > 0


def test_booker_email_differs_in_case_or_spacing_from_the_crm_one(
    bookings_with_contact: pd.DataFrame,
) -> None:
    rows = bookings_with_contact
    same_address = normalized_email(rows["booker_email"]) == normalized_email(rows["crm_email"])
    assert (same_address & (rows["booker_email"] != rows["crm_email"])).sum() > 0


def test_booker_addresses_sometimes_differ_from_the_contacts(
    bookings_with_contact: pd.DataFrame,
) -> None:
    rows = bookings_with_contact
    has_both_emails = (rows["booker_email"] != "") & (rows["crm_email"] != "")
    other_email = normalized_email(rows["booker_email"]) != normalized_email(rows["crm_email"])
    assert (has_both_emails & other_email).sum() > 0
    has_both_phones = (rows["booker_phone"] != "") & (rows["crm_phone"] != "")
    other_phone = mobile_subscriber(rows["booker_phone"]) != mobile_subscriber(rows["crm_phone"])
    assert (has_both_phones & other_phone).sum() > 0
    same_phone_other_spelling = ~other_phone & (rows["booker_phone"] != rows["crm_phone"])
    assert (has_both_phones & same_phone_other_spelling).sum() > 0


def test_some_bookings_are_unlinked(contacts: pd.DataFrame, bookings: pd.DataFrame) -> None:
    crm_addresses = set(normalized_email(contacts["email"]))
    no_contact = bookings[bookings["contact_id"] == ""]
    unmatched = no_contact[
        (no_contact["booker_email"] != "")
        & ~normalized_email(no_contact["booker_email"]).isin(crm_addresses)
    ]
    assert len(unmatched) > 0
    # ... and some name a contact the CRM no longer has (R9)
    known_ids = set(contacts["contact_id"])
    assert ((bookings["contact_id"] != "") & ~bookings["contact_id"].isin(known_ids)).sum() > 0


# ------------------------------------------------------------------------ the mess: consent


def test_grants_come_with_and_without_proof(events: pd.DataFrame) -> None:
    grants = events[events["action"] == "grant"]
    proven_double_opt_in = grants["proof_ref"].str.match(r"^doi-[0-9a-f]+$") & grants[
        "consent_text_version"
    ].str.fullmatch(r"nb-\d{4}-\d\d")
    assert proven_double_opt_in.sum() > 0
    imports = grants[grants["source"] == "import"]
    assert len(imports) > 0
    assert ((imports["proof_ref"] == "") & (imports["consent_text_version"] == "")).all()


def test_consent_log_has_withdrawals_objections_and_all_or_specific_scopes(
    events: pd.DataFrame,
) -> None:
    actions = set(events["action"])
    assert {"withdraw", "object"} <= actions
    assert {"email", "sms", "all"} <= set(events["channel"])
    assert {"newsletter", "offers", "partner_offers", "all"} <= set(events["purpose"])
    assert (events["source"] == "mail_tool").sum() > 0
    assert events.loc[events["action"] != "grant", "proof_ref"].eq("").all()


def test_mailtool_unsubscribes_mix_crm_casing_and_purposes(
    contacts: pd.DataFrame, unsubscribes: pd.DataFrame
) -> None:
    spellings = crm_spellings(contacts)
    known = normalized_email(unsubscribes["email"]).isin(spellings)
    assert known.sum() > 0 and (~known).sum() > 0
    assert spelled_unlike_the_crm(unsubscribes.loc[known, "email"], spellings).sum() > 0
    with_purpose = unsubscribes["purpose"] != ""
    assert 0 < with_purpose.mean() < 0.5


# --------------------------------------------------------------- the mess: spellings, time


@pytest.mark.parametrize(
    "spelling",
    [TIMESTAMP_WITH_OFFSET, TIMESTAMP_IN_UTC, TIMESTAMP_WITHOUT_OFFSET],
    ids=lambda p: p.pattern,
)
def test_timestamps_come_with_and_without_offsets(all_extracts, spelling: re.Pattern) -> None:
    assert values_of_kind(all_extracts, Kind.TIMESTAMP).str.match(spelling).sum() > 0


def test_every_timestamp_and_date_is_iso_8601(all_extracts) -> None:
    timestamps = values_of_kind(all_extracts, Kind.TIMESTAMP)
    iso = timestamps.apply(
        lambda v: any(
            p.match(v)
            for p in (TIMESTAMP_WITH_OFFSET, TIMESTAMP_IN_UTC, TIMESTAMP_WITHOUT_OFFSET, PLAIN_DATE)
        )
    )
    assert iso.all(), timestamps[~iso].head().tolist()
    assert values_of_kind(all_extracts, Kind.DATE).str.match(PLAIN_DATE).all()


def test_booleans_come_in_mixed_spellings(all_extracts) -> None:
    spellings = set(values_of_kind(all_extracts, Kind.BOOLEAN))
    assert {"true", "1", "ja", "Nee", "yes"} <= spellings
    assert {spelling.lower() for spelling in spellings} <= BOOLEAN_SPELLINGS


def test_no_timestamp_after_the_day_after_d_in_amsterdam(all_extracts) -> None:
    instants = to_utc(values_of_kind(all_extracts, Kind.TIMESTAMP))
    end_of_next_day = pd.Timestamp(f"{RUN_DATE.isoformat()} 23:59:59", tz=AMSTERDAM) + pd.Timedelta(
        days=1
    )
    assert instants.max() <= end_of_next_day
    assert instants.min() >= pd.Timestamp(f"{RUN_DATE.year - 11}-01-01", tz=AMSTERDAM)


def test_a_few_events_late_on_d_in_utc_are_already_the_next_day_in_amsterdam(
    events: pd.DataFrame, unsubscribes: pd.DataFrame
) -> None:
    end_of_d = pd.Timestamp(f"{RUN_DATE.isoformat()} 23:59:59", tz=AMSTERDAM)
    for stamps in (events["occurred_at"], unsubscribes["unsubscribed_at"]):
        late = stamps[to_utc(stamps).sort_index() > end_of_d]
        assert len(late) > 0 and len(late) / len(stamps) < 0.05
        assert late.str.startswith(f"{RUN_DATE.isoformat()}T23:").all()


# ------------------------------------------------------------------- the spreadsheet variant


def test_dutch_spreadsheet_variant_has_bom_semicolons_and_the_same_content(tmp_path: Path) -> None:
    generate_landing(tmp_path / "plain", RUN_DATE, 400, seed=3)
    generate_landing(tmp_path / "excel", RUN_DATE, 400, seed=3, dutch_spreadsheet=True)
    for extract in EXTRACTS:
        raw = (tmp_path / "excel" / extract.file_name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        header = raw[3:].decode("utf-8").splitlines()[0]
        assert header.split(";") == [column.name for column in extract.columns]
        excel = read_extract(tmp_path / "excel", extract, delimiter=";")
        plain = read_extract(tmp_path / "plain", extract)
        pd.testing.assert_frame_equal(excel, plain)


# ------------------------------------------------------------------------------------- CLI


def test_cli_generate_writes_a_ready_landing_folder(tmp_path: Path) -> None:
    out_dir = tmp_path / RUN_DATE.isoformat()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "hygiene",
            "generate",
            "--date",
            RUN_DATE.isoformat(),
            "--contacts",
            "150",
            "--out",
            str(out_dir),
            "--seed",
            "5",
            "--dutch-spreadsheet",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "plugins")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # the assertion below shows stderr
    )
    assert completed.returncode == 0, completed.stderr
    assert str(out_dir) in completed.stdout
    assert "crm_contacts.csv" in completed.stdout and "150" in completed.stdout
    assert (out_dir / READY_FILE).exists()
    assert (out_dir / CRM_CONTACTS.file_name).read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_rejects_a_malformed_date(tmp_path: Path) -> None:
    from hygiene.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--date", "14-03-2025", "--contacts", "10", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
