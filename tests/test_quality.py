"""The data-quality layer: GX suites on frames read from DuckDB, the gate, and no PII in results.

Each test builds a small warehouse with exactly the tables and columns the suites read (the
real ones are being written by the loader and dbt), breaks one thing, and checks that the gate
names the expectation that caught it and how many rows broke it. GX is imported once per
session (about ten seconds); every suite run after that takes well under a second.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hygiene.extracts import EXTRACTS
from hygiene.quality import QualityGateFailed, SuiteOutcome, enforce, pushdown, run_suite
from hygiene.quality.suites import ExpectationSpec, load_suite
from hygiene.report import write_quality_pages

D = date(2025, 6, 1)
PLANTED_EMAIL = "planted.pii.canary@example.nl"  # must never leave the warehouse
PLANTED_PHONE = "+31687654321"
FILE_ROWS = {"crm_contacts.csv": 3, "bookings.csv": 3, "consent_events.csv": 4,
             "mailtool_unsubscribes.csv": 1}

RAW_TABLES = """
create schema raw;
create table raw.crm_contacts (
    contact_id varchar, email varchar, phone varchar, first_name varchar, last_name varchar,
    created_at timestamptz, signup_source varchar, legal_hold boolean, source_row bigint);
insert into raw.crm_contacts values
    ('C1', '{email}', '{phone}', 'Anna', 'Jansen', '2020-01-05 10:00+01', 'booking', false, 1),
    ('C2', 'piet@example.nl', null, 'Piet', 'de Vries', '2021-03-01 09:00+01', 'newsletter',
        false, 2),
    ('C3', 'hold@example.nl', null, null, null, '2019-07-01 12:00+02', 'account', true, 3);
create table raw.bookings (
    booking_id varchar, contact_id varchar, booker_email varchar, booker_phone varchar,
    booked_at timestamptz, status varchar, confirmed_at timestamptz, invoiced_at timestamptz,
    product_type varchar, departure_date date, return_date date, total_amount decimal(14, 2),
    marketing_optout_offered boolean, source_row bigint);
insert into raw.bookings values
    ('B1', 'C1', '{email}', '{phone}', '2025-01-10 10:00+01', 'confirmed',
        '2025-01-10 10:05+01', '2025-01-11 00:00+01', 'package', '2025-07-01', '2025-07-10',
        1999.00, true, 1),
    ('B2', 'C2', 'piet@example.nl', null, '2024-02-01 10:00+01', 'quote', null, null, 'flight',
        null, null, 350.00, false, 2),
    ('B3', null, 'unknown@example.nl', null, '2015-05-01 10:00+02', 'completed',
        '2015-05-01 10:00+02', '2015-05-02 00:00+02', 'accommodation', '2015-08-01',
        '2015-08-14', 800.00, true, 3);
create table raw.consent_events (
    event_id varchar, contact_id varchar, channel varchar, purpose varchar, action varchar,
    occurred_at timestamptz, source varchar, proof_ref varchar, consent_text_version varchar,
    source_row bigint);
insert into raw.consent_events values
    ('E1', 'C2', 'email', 'newsletter', 'grant', '2024-01-01 10:00+01', 'double_opt_in', 'DOI-1',
        'v3', 1),
    ('E2', 'C1', 'email', 'offers', 'grant', '2024-02-01 10:00+01', 'web_form', 'WF-2', 'v3', 2),
    ('E3', 'C2', 'email', 'offers', 'withdraw', '2024-03-01 10:00+01', 'mail_tool', null, null,
        3),
    ('E4', 'C1', 'email', 'partner_offers', 'grant', '2024-04-01 10:00+02', 'web_form', 'WF-4',
        'v3', 4);
create table raw.mailtool_unsubscribes (
    email varchar, unsubscribed_at timestamptz, purpose varchar, source_row bigint);
insert into raw.mailtool_unsubscribes values
    ('piet@example.nl', '2024-03-01 10:00+01', 'offers', 1);
"""

MODEL_TABLES = """
create schema staging;
create schema intermediate;
create schema marts;
create table staging.stg_crm__contacts as
    select contact_id, lower(email) as email, legal_hold as is_legal_hold from raw.crm_contacts;
create table staging.stg_bookings__bookings as
    select booking_id, contact_id, status, departure_date, return_date from raw.bookings;
create table intermediate.int_booking_links as
    select booking_id, contact_id,
        case when contact_id is null then null else 'contact_id' end as link_method
    from raw.bookings;
create table staging.stg_crm__consent_events as
    select event_id, contact_id, channel, purpose, action,
        cast(timezone('Europe/Amsterdam', occurred_at) as date) as occurred_on,
        source as event_source,
        coalesce(proof_ref, '') <> '' and coalesce(consent_text_version, '') <> '' as has_proof,
        consent_text_version
    from raw.consent_events;
create table marts.fct_address_decisions (
    channel varchar, address varchar, purpose varchar,
    is_eligible boolean, basis varchar, reason varchar, since date, rule varchar,
    evidence_type varchar, evidence_id varchar, latest_event_action varchar,
    latest_event_on date);
insert into marts.fct_address_decisions
    select channel, address, purpose, is_eligible, basis, reason, since, rule,
        evidence_type, evidence_id, latest_event_action, latest_event_on
    from (values
        ('email', '{email}', 'newsletter', true, 'soft_opt_in', null, null, 'M2',
            'booking', 'B1', null, null),
        ('email', '{email}', 'offers', true, 'consent', null, null, 'M5',
            'consent_event', 'E2', 'grant', date '2024-02-01'),
        ('email', '{email}', 'partner_offers', true, 'consent', null, null, 'M5',
            'consent_event', 'E4', 'grant', date '2024-04-01'),
        ('email', 'piet@example.nl', 'newsletter', true, 'consent', null, null, 'M5',
            'consent_event', 'E1', 'grant', date '2024-01-01'),
        ('email', 'piet@example.nl', 'offers', false, null, 'withdrawn', date '2024-03-01', 'M5',
            'consent_event', 'E3', 'withdraw', date '2024-03-01'),
        ('email', 'piet@example.nl', 'partner_offers', false, null, 'no_basis', null, 'M9',
            null, null, null, null),
        ('sms', '{phone}', 'newsletter', true, 'soft_opt_in', null, null, 'M2',
            'booking', 'B1', null, null),
        ('sms', '{phone}', 'offers', true, 'soft_opt_in', null, null, 'M2',
            'booking', 'B1', null, null),
        ('sms', '{phone}', 'partner_offers', false, null, 'no_basis', null, 'M9',
            null, null, null, null)
    ) as decisions(channel, address, purpose, is_eligible, basis, reason, since, rule,
                   evidence_type, evidence_id, latest_event_action, latest_event_on);
create table marts.suppression_list as
    select channel, address, sha256(address) as address_sha256, purpose, reason, since
    from marts.fct_address_decisions where not is_eligible;
create table marts.marketing_eligibility as
    select channel, address, purpose, basis
    from marts.fct_address_decisions where is_eligible;
create table marts.deletion_list (
    subject_type varchar, subject_id varchar, action varchar, rule varchar, due_date date);
insert into marts.deletion_list values
    ('booking', 'B3', 'minimize', 'R3', '2017-08-14'),
    ('booking', 'B3', 'delete', 'R4', '2024-01-01'),
    ('booking', 'B2', 'delete', 'R5', '2025-02-01');
"""


# ---------- fixtures


@pytest.fixture(scope="session")
def good_warehouse(tmp_path_factory) -> Path:
    """A small, consistent warehouse on which every suite passes without warnings."""
    path = tmp_path_factory.mktemp("warehouse") / "good.duckdb"
    with duckdb.connect(str(path)) as db:
        for script in (RAW_TABLES, MODEL_TABLES):
            db.execute(script.replace("{email}", PLANTED_EMAIL).replace("{phone}", PLANTED_PHONE))
    return path


@pytest.fixture
def warehouse(good_warehouse, tmp_path):
    """A copy of the good warehouse, broken by the SQL statements passed to it."""

    def broken(*statements: str) -> Path:
        path = tmp_path / "warehouse.duckdb"
        shutil.copy(good_warehouse, path)
        with duckdb.connect(str(path)) as db:
            for statement in statements:
                db.execute(statement.replace("{email}", PLANTED_EMAIL))
        return path

    return broken


def run(suite: str, path: Path, results: Path, **kwargs) -> SuiteOutcome:
    if suite == "raw_extracts":
        kwargs.setdefault("manifest_rows", FILE_ROWS)
        kwargs.setdefault("previous_rows", FILE_ROWS)
    return run_suite(suite, path, D, results, **kwargs)


def gate_message(*outcomes: SuiteOutcome) -> str:
    with pytest.raises(QualityGateFailed) as raised:
        enforce(outcomes)
    return str(raised.value)


# ---------- good input passes


@pytest.mark.parametrize("suite", ["raw_extracts", "consent_proof", "marts"])
def test_good_warehouse_passes_every_suite_without_warnings(good_warehouse, tmp_path, suite):
    outcome = run(suite, good_warehouse, tmp_path)
    assert outcome.success, [r.line() for r in outcome.failed_critical]
    assert not outcome.warnings, [r.line() for r in outcome.warnings]
    assert outcome.results and not outcome.skipped
    enforce([outcome])  # does not raise
    saved = json.loads((tmp_path / f"{suite}.json").read_text())
    assert saved["success"] is True
    frames = {frame.name for frame in load_suite(suite).frames}
    if suite == "raw_extracts":  # row counts are judged on a batch of the table's length
        frames |= {f"{frame}.row_count" for frame in frames}
    assert set(saved["validations"]) == frames
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{suite}.json"]  # no GX Data Docs site
    assert stat.S_IMODE((tmp_path / f"{suite}.json").stat().st_mode) == 0o600
    json.dumps(outcome.summary())  # fit for run_manifest.json


def test_raw_suite_takes_columns_keys_and_accepted_values_from_extracts_py(good_warehouse,
                                                                           tmp_path):
    outcome = run("raw_extracts", good_warehouse, tmp_path)
    checked = {(r.frame, r.expectation, r.column) for r in outcome.results}
    for extract in EXTRACTS:
        for column in extract.columns:
            if column.required:
                assert (extract.name, "expect_column_values_to_not_be_null", column.name) in checked
            if column.accepted:
                assert (extract.name, "expect_column_values_to_be_in_set", column.name) in checked
        if extract.key:
            assert (extract.name, "expect_column_values_to_be_unique", extract.key) in checked


# ---------- raw_extracts: each critical expectation fails on its own bad input


RAW_CASES = [
    pytest.param(["alter table raw.crm_contacts drop column signup_source"],
                 "crm_contacts", "expect_column_to_exist", None, id="g1-missing-column"),
    pytest.param(["update raw.crm_contacts set created_at = null where contact_id = 'C2'"],
                 "crm_contacts", "expect_column_values_to_not_be_null", 1,
                 id="g1-required-value-empty"),
    pytest.param(["update raw.bookings set booking_id = 'B1' where booking_id = 'B2'"],
                 "bookings", "expect_column_values_to_be_unique", 2, id="g1-duplicate-key"),
    pytest.param(["update raw.consent_events set channel = 'fax' where event_id = 'E1'"],
                 "consent_events", "expect_column_values_to_be_in_set", 1,
                 id="g1-unknown-value"),
    pytest.param(["update raw.mailtool_unsubscribes set purpose = 'all'"],
                 "mailtool_unsubscribes", "expect_column_values_to_be_in_set", 1,
                 id="g1-unknown-unsubscribe-purpose"),
    pytest.param([("insert into raw.consent_events select 'E' || (i + 10), 'C1', 'fax', 'offers', "
                   "'grant', '2024-05-01 10:00+02', 'web_form', 'WF', 'v3', i + 4 "
                   "from range(1, 8) as t(i)")],
                 "consent_events", "expect_column_values_to_be_in_set", 7,
                 id="g1-more-unknown-values-than-first-rows"),
]


@pytest.mark.parametrize("statements, frame, expectation, count", RAW_CASES)
def test_raw_extracts_gate_names_expectation_and_count(warehouse, tmp_path, statements, frame,
                                                       expectation, count):
    outcome = run("raw_extracts", warehouse(*statements), tmp_path)
    message = gate_message(outcome)
    failed = [r for r in outcome.failed_critical
              if r.frame == frame and r.expectation == expectation]
    assert failed, message
    # named by the extract's file and column, never by the suite's asset name
    assert f"{frame}.csv, column {failed[0].column}: " in message
    assert f"{expectation}]" in message
    if count is None:
        assert "column is missing" in message
    else:
        assert failed[0].unexpected_count == count
        assert f"{count} row(s) break it (first rows " in message
        assert len(failed[0].first_rows) == min(count, 5)


def test_g1_row_count_must_equal_the_manifest(good_warehouse, tmp_path):
    outcome = run("raw_extracts", good_warehouse, tmp_path,
                  manifest_rows=FILE_ROWS | {"crm_contacts.csv": 4})
    message = gate_message(outcome)
    [failed] = outcome.failed_critical
    assert (failed.frame, failed.expectation) == ("crm_contacts", "expect_table_row_count_to_equal")
    assert "crm_contacts.csv: " in message and "observed 3, expected 4" in message
    assert "The file has 3 rows, extract_manifest.json announces 4: it was truncated" in message


def test_g1_a_crm_export_half_its_usual_size_fails(good_warehouse, tmp_path):
    outcome = run("raw_extracts", good_warehouse, tmp_path,
                  previous_rows=FILE_ROWS | {"crm_contacts.csv": 6}, volume_band=0.3)
    message = gate_message(outcome)
    [failed] = outcome.failed_critical
    assert failed.expectation == "expect_table_row_count_to_be_between"
    assert "crm_contacts.csv: " in message
    assert "observed 3, expected between 5 and 7" in message
    # how far it moved, and the setting that would accept it
    assert ("The file has 3 rows against 6 in the previous run: more than HYGIENE_VOLUME_BAND=0.3 "
            "apart. If the export is right, rerun with HYGIENE_VOLUME_BAND=0.5 to accept it.") in message


def test_first_run_without_manifest_or_history_skips_row_count_checks(good_warehouse, tmp_path):
    outcome = run("raw_extracts", good_warehouse, tmp_path, manifest_rows=None, previous_rows=None)
    assert outcome.success
    assert len(outcome.skipped) == 2 * len(EXTRACTS)
    assert not any(r.expectation.startswith("expect_table_row_count") for r in outcome.results)
    # why each was skipped, for the report: the run-time value nobody could give
    assert {skip.unknown for skip in outcome.skipped} == {
        ("manifest_rows",), ("previous_rows_high", "previous_rows_low")}
    saved = json.loads((tmp_path / "raw_extracts.json").read_text())
    assert {tuple(skip["unknown"]) for skip in saved["skipped"]} == {
        ("manifest_rows",), ("previous_rows_high", "previous_rows_low")}


def test_missing_required_extract_table_fails_closed(warehouse, tmp_path):
    outcome = run("raw_extracts", warehouse("drop table raw.bookings"), tmp_path)
    message = gate_message(outcome)
    assert "table raw.bookings does not exist" in message
    assert all(r.frame == "bookings" for r in outcome.failed_critical)


def test_absent_optional_unsubscribe_extract_is_skipped(warehouse, tmp_path):
    outcome = run("raw_extracts", warehouse("drop table raw.mailtool_unsubscribes"), tmp_path)
    assert outcome.success
    [skipped] = outcome.skipped
    assert (skipped.frame, skipped.expectation, skipped.file_name) == (
        "mailtool_unsubscribes", None, "mailtool_unsubscribes.csv")


# ---------- consent_proof


def test_m4_consent_decision_resting_on_an_unproven_grant_fails(warehouse, tmp_path):
    path = warehouse(
        "update staging.stg_crm__consent_events set has_proof = false where event_id = 'E1'",
        # keep the overall share under its threshold: the decision check alone must catch it
        *[f"insert into staging.stg_crm__consent_events values ('X{i}', 'C2', 'email', "
          f"'newsletter', 'grant', date '2024-01-02', 'double_opt_in', true, 'v3')"
          for i in range(40)],
    )
    outcome = run("consent_proof", path, tmp_path)
    message = gate_message(outcome)
    [failed] = outcome.failed_critical
    assert failed.frame == "consent_decisions_without_proof" and failed.rule == "M4"
    assert failed.unexpected_count == 1
    assert "consent_proof/consent_decisions_without_proof: " in message
    assert "1 row(s) break it [critical M4, consent_proof expect_table_row_count_to_equal]" in message


def test_m4_decision_evidence_that_is_not_a_staged_grant_fails(warehouse, tmp_path):
    path = warehouse("update marts.fct_address_decisions set evidence_id = 'E404' "
                     "where evidence_id = 'E2'")
    outcome = run("consent_proof", path, tmp_path)
    assert [r.frame for r in outcome.failed_critical] == ["consent_decisions_without_proof"]


def test_m4_unproven_grant_share_above_threshold_fails(warehouse, tmp_path):
    path = warehouse(*[
        f"insert into staging.stg_crm__consent_events values ('U{i}', 'C2', 'sms', 'offers', "
        f"'grant', date '2024-05-01', 'import', false, null)" for i in range(2)
    ])  # 2 of 5 grants without proof: 0.4
    outcome = run("consent_proof", path, tmp_path, max_unproven_share=0.25)
    message = gate_message(outcome)
    [failed] = outcome.failed_critical
    assert (failed.frame, failed.expectation) == ("unproven_grant_share",
                                                  "expect_column_max_to_be_between")
    assert ": not met, observed 0.4, expected at most 0.25" in message


def test_m4_small_unproven_share_only_warns(warehouse, tmp_path):
    path = warehouse(
        "insert into staging.stg_crm__consent_events values ('U1', 'C2', 'sms', 'offers', "
        "'grant', date '2024-05-01', 'import', false, null)"
    )  # 1 of 4 grants: 0.25, not above the threshold but above a tenth of it
    outcome = run("consent_proof", path, tmp_path, max_unproven_share=0.25)
    enforce([outcome])  # warnings never raise
    assert {r.frame for r in outcome.warnings} == {
        "unproven_grant_share", "unproven_grant_share_by_source_and_version"}
    by_group = next(r for r in outcome.warnings if r.frame.endswith("by_source_and_version"))
    assert by_group.unexpected_count == 1  # the one (import, no version) group
    assert outcome.summary()["warnings"] == 2


def test_m4_grants_dated_after_d_are_not_counted(warehouse, tmp_path):
    path = warehouse(*[
        f"insert into staging.stg_crm__consent_events values ('F{i}', 'C2', 'sms', 'offers', "
        f"'grant', date '2025-06-02', 'import', false, null)" for i in range(5)
    ])
    assert run("consent_proof", path, tmp_path).success


# ---------- marts: each critical expectation fails on its own bad input


MARTS_CASES = [
    pytest.param([("update marts.fct_address_decisions set latest_event_action = 'object' "
                   "where address = 'piet@example.nl' and purpose = 'newsletter'")],
                 "eligible_despite_withdrawal_or_objection", 1, id="m5-eligible-objector"),
    pytest.param(["delete from marts.suppression_list where channel = 'sms'"],
                 "list_membership_problems:is_not_in_exactly_one_list", 1, id="m9-in-no-list"),
    pytest.param([("insert into marts.marketing_eligibility "
                   "values ('email', 'piet@example.nl', 'offers', 'consent')")],
                 "list_membership_problems:is_not_in_exactly_one_list", 1,
                 id="m9-in-both-lists"),
    pytest.param(["delete from marts.suppression_list where channel = 'sms'",
                  ("insert into marts.marketing_eligibility "
                   f"values ('sms', '{PLANTED_PHONE}', 'partner_offers', 'consent')")],
                 "list_membership_problems:is_in_the_wrong_list", 1, id="m9-wrong-list"),
    pytest.param([("insert into marts.suppression_list values ('email', 'ghost@example.nl', "
                   "sha256('ghost@example.nl'), 'offers', 'no_basis', null)")],
                 "list_membership_problems:is_listed_without_decision", 1,
                 id="m9-list-row-without-decision"),
    pytest.param([("insert into marts.fct_address_decisions select * from "
                   "marts.fct_address_decisions where channel = 'sms' and purpose = 'offers'")],
                 "list_membership_problems:has_duplicate_decisions", 1,
                 id="m9-duplicate-decision"),
    pytest.param([("update marts.marketing_eligibility set basis = 'soft_opt_in' "
                   "where purpose = 'partner_offers'")],
                 "soft_opt_in_for_partner_offers", 1, id="m2-partner-offers"),
    pytest.param(["update marts.suppression_list set address_sha256 = upper(address_sha256)"],
                 "address_hash_mismatches", 3, id="hash-upper-case"),
    pytest.param([("update marts.suppression_list set address_sha256 = sha256('piet@example.nl ') "
                   "where address = 'piet@example.nl'")],
                 "address_hash_mismatches", 2, id="hash-of-unnormalized-address"),
    pytest.param([("insert into marts.deletion_list "
                   "values ('contact', 'C3', 'delete', 'R7', '2025-01-01')")],
                 "deletions_under_legal_hold", 1, id="r1-legal-hold-contact"),
    pytest.param(["insert into intermediate.int_booking_links values ('B9', 'C3', 'contact_id')",
                  ("insert into marts.deletion_list "
                   "values ('booking', 'B9', 'delete', 'R4', '2024-01-01')")],
                 "deletions_under_legal_hold", 1, id="r1-booking-of-held-contact"),
    pytest.param([("insert into marts.deletion_list "
                   "values ('booking', 'B1', 'minimize', 'R3', '2025-01-01'), "
                   "('contact', 'C1', 'delete', 'R6', '2025-01-01')")],
                 "deletions_during_travel", 2, id="r2-travelling-booking-and-contact"),
    pytest.param(["update marts.deletion_list set due_date = '2025-06-02' where subject_id = 'B2'"],
                 "deletions_not_yet_due", 1, id="due-after-d"),
    pytest.param(["update marts.deletion_list set rule = 'R2' where subject_id = 'B2'"],
                 "deletion_list:rule", 1, id="deletion-rule-accepted"),
    pytest.param(["update marts.deletion_list set action = 'anonymize' where subject_id = 'B2'"],
                 "deletion_list:action", 1, id="deletion-action-accepted"),
    pytest.param(["update marts.deletion_list set subject_type = 'trip' where subject_id = 'B2'"],
                 "deletion_list:subject_type", 1, id="deletion-subject-type-accepted"),
    pytest.param(["update marts.deletion_list set due_date = null where subject_id = 'B2'"],
                 "deletion_list:due_date", 1, id="deletion-due-date-missing"),
    pytest.param(["update marts.suppression_list set reason = 'bounced' where channel = 'sms'"],
                 "suppression_list:reason", 1, id="suppression-reason-accepted"),
    pytest.param([("update marts.marketing_eligibility set basis = 'legitimate_interest' "
                   "where channel = 'sms' and purpose = 'offers'")],
                 "marketing_eligibility:basis", 1, id="eligibility-basis-accepted"),
    pytest.param([("update marts.fct_address_decisions set basis = 'guess' "
                   "where channel = 'sms' and purpose = 'offers'")],
                 "fct_address_decisions:basis", 1, id="decision-basis-accepted"),
    pytest.param(["update marts.fct_address_decisions set reason = 'x' where reason = 'no_basis'"],
                 "fct_address_decisions:reason", 2, id="decision-reason-accepted"),
    pytest.param(["update marts.fct_address_decisions set is_eligible = null where channel='sms'"],
                 "fct_address_decisions:is_eligible", 3, id="decision-undecided"),
]


@pytest.mark.parametrize("statements, check, count", MARTS_CASES)
def test_marts_gate_names_expectation_and_count(warehouse, tmp_path, statements, check, count):
    frame, _, column = check.partition(":")
    outcome = run("marts", warehouse(*statements), tmp_path)
    message = gate_message(outcome)
    failed = [r for r in outcome.failed_critical
              if r.frame == frame and (not column or r.column == column)]
    assert len(failed) == 1, message
    assert failed[0].unexpected_count == count, message
    result = failed[0]
    on_column = f", column {result.column}" if result.column else ""
    assert (f"marts/{frame}{on_column}: {result.description}: {count} row(s) break it "
            f"[critical {result.rule}, marts {result.expectation}]") in message


def test_missing_mart_fails_closed_naming_the_table(warehouse, tmp_path):
    outcome = run("marts", warehouse("drop table marts.deletion_list"), tmp_path)
    message = gate_message(outcome)
    assert "not evaluated" in message and "deletion_list" in message
    assert outcome.failed_critical and all(r.error for r in outcome.failed_critical)


# ---------- GX judges the rows DuckDB narrows to (hygiene.quality.pushdown)


NARROWING_CASES = [
    pytest.param(suite, case.values[0], id=case.id)
    for suite, cases in (("raw_extracts", RAW_CASES), ("marts", MARTS_CASES))
    for case in cases
]


@pytest.mark.parametrize("suite, statements", NARROWING_CASES)
def test_gx_finds_on_the_narrowed_rows_what_it_finds_on_whole_columns(warehouse, tmp_path,
                                                                       monkeypatch, suite,
                                                                       statements):
    path = warehouse(*statements)
    narrowed = run(suite, path, tmp_path / "narrowed")
    monkeypatch.setattr(pushdown, "can_push_down", lambda expectations: False)
    whole = run(suite, path, tmp_path / "whole")
    assert not narrowed.success
    assert narrowed.results == whole.results


def test_a_good_night_hands_gx_no_rows_only_each_tables_length(good_warehouse, tmp_path):
    run("raw_extracts", good_warehouse, tmp_path)
    validations = json.loads((tmp_path / "raw_extracts.json").read_text())["validations"]
    for extract in EXTRACTS:
        by_rows = validations[extract.name]["results"]
        assert {r["result"].get("element_count") for r in by_rows} <= {0, None}, extract.name
        counted = validations[f"{extract.name}.row_count"]["results"]
        assert {r["result"]["observed_value"] for r in counted} == {FILE_ROWS[extract.file_name]}


def test_a_floating_columns_nan_is_a_suspect_as_pandas_counts_it_missing():
    expectation = ExpectationSpec("expect_column_values_to_not_be_null", {"column": "x"}, {})
    with duckdb.connect() as db:
        db.execute("create table t (x double, n int); "
                   "insert into t values (1.5, 1), ('nan', 2), (null, 3)")
        predicate = pushdown.suspect_predicate([expectation], "t", {"x": "DOUBLE"})
        found = db.execute(f"select n from t where {predicate.sql} order by n").fetchall()
    assert found == [(2,), (3,)]


# ---------- no personal data in results, messages or logs


def test_planted_pii_never_reaches_results_messages_or_logs(warehouse, tmp_path, caplog):
    path = warehouse(
        # failing values that GX would normally sample into partial_unexpected_list
        "update raw.crm_contacts set signup_source = '{email}'",
        "update raw.mailtool_unsubscribes set purpose = '{email}'",
        "insert into raw.crm_contacts select * replace (2 as source_row) from raw.crm_contacts "
        "where contact_id = 'C1'",
        "update raw.crm_contacts set contact_id = '{email}' where contact_id = 'C1'",
        "update marts.suppression_list set reason = '{email}'",
        "update marts.fct_address_decisions set latest_event_action = '{email}'",
        "update marts.suppression_list set address_sha256 = '{email}'",
    )
    caplog.set_level(logging.DEBUG)
    results = tmp_path / "quality"
    outcomes = [run(suite, path, results) for suite in ("raw_extracts", "consent_proof", "marts")]
    message = gate_message(*outcomes)
    # the pages a person reads the results on (hygiene.report), rendered from the same results
    pages = write_quality_pages(tmp_path, D.isoformat())
    assert [page.name for page in pages] == ["raw_extracts.html", "consent_proof.html", "marts.html"]

    assert "expect_column_values_to_be_in_set" in message  # the checks did fail
    texts = {"exception": message, "logs": caplog.text}
    texts |= {str(p): p.read_text(errors="replace") for p in tmp_path.rglob("*")
              if p.is_file() and p.suffix in {".json", ".html"}}
    assert "2 rijen wijken af (eerste rijen: 1, 2)" in texts[str(results / "raw_extracts.html")]
    for where, text in texts.items():
        assert PLANTED_EMAIL not in text, f"planted e-mail address found in {where}"
        assert PLANTED_PHONE not in text, f"planted phone number found in {where}"
    for suite in ("raw_extracts", "consent_proof", "marts"):
        saved = (results / f"{suite}.json").read_text()
        for key in ("partial_unexpected_list", "unexpected_list", "unexpected_index_list",
                    "exception_traceback"):
            assert f'"{key}"' not in saved


def test_gx_analytics_off_and_gx_logs_kept_out_of_task_logs(good_warehouse, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    run("marts", good_warehouse, tmp_path)
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"
    assert not [r for r in caplog.records
                if r.name.startswith("great_expectations") and r.levelno < logging.WARNING]
    assert any(r.name.startswith("hygiene.quality") for r in caplog.records)


def test_importing_the_package_does_not_import_gx():
    code = "import sys, hygiene.quality; assert 'great_expectations' not in sys.modules"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "plugins")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_gate_message_lists_every_failed_critical_check_of_every_suite(warehouse, tmp_path):
    path = warehouse("update raw.bookings set status = 'pending'",
                     "update marts.deletion_list set due_date = date '2030-01-01'")
    outcomes = [run("raw_extracts", path, tmp_path), run("marts", path, tmp_path)]
    message = gate_message(*outcomes)
    assert "bookings.csv, column status: " in message
    assert "raw_extracts expect_column_values_to_be_in_set]" in message
    assert "marts/deletions_not_yet_due: " in message
    assert "3 row(s) break it" in message
    assert message.count("\n  - ") == 2
