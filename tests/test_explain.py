"""`python -m hygiene explain` (issue "Explain"): every decision about an address, a contact or a
booking, from the published run only, in sentences a privacy officer can forward."""

from __future__ import annotations

import pytest
import yaml

from hygiene.explain import ExplainTablesMissing, UnknownSubject, explain
from hygiene.runs import RunNotFound, find_run
from hygiene.settings import DBT_PROJECT_DIR
from hygiene.sql_macros import normalize_address
from published_run import D, write_run


@pytest.fixture
def run(tmp_path):
    write_run(tmp_path / "out", report=False)
    return find_run(tmp_path / "out")


def text_of(run, **subject) -> str:
    return "\n".join(explain(run, **subject).lines())


# ---------------------------------------------------------------------------- addresses


def dbt_unit_test_cases(name: str, column: str) -> list[tuple[str, str | None]]:
    """(typed, normalised) pairs of a dbt unit test in int_known_addresses.yml: the same cases."""
    spec = yaml.safe_load((DBT_PROJECT_DIR / "models/intermediate/int_known_addresses.yml").read_text())
    (test,) = [t for t in spec["unit_tests"] if t["name"] == name]
    typed = {row["contact_id"]: row[column] for row in test["given"][0]["rows"]}
    return [(typed[row["contact_id"]], row[column]) for row in test["expect"]["rows"]]


@pytest.mark.parametrize(
    ("typed", "normalised"),
    dbt_unit_test_cases("address_phone_spellings_normalise_to_one_e164_address", "phone")
    + dbt_unit_test_cases("address_email_spellings_normalise_to_one_address", "email"),
)
def test_address_is_normalised_exactly_as_the_dbt_unit_tests_expect(typed, normalised):
    assert normalize_address(typed)[1] == normalised


def test_m4_consent_is_explained_for_an_address_typed_with_odd_spacing_and_casing(run):
    text = text_of(run, address="  Jan@Example.NL ")
    assert (
        "For e-mail newsletters, jan@example.nl may be mailed: consent given on 2024-03-01 "
        "(event E123 of contact C1, proof DOI-881, consent text v3; rule M4)."
    ) in text
    assert "You typed '  Jan@Example.NL '; the rules read it as jan@example.nl." in text
    assert "jan@example.nl is an address of contact C1 (customer)." in text


@pytest.mark.parametrize("typed", ["06 12345678", "+31 6 1234 5678", "0031612345678",
                                   "+31 (0)6 12345678", "06-12345678"])
def test_dutch_phone_spellings_find_the_one_e164_address(run, typed):
    text = text_of(run, address=typed)
    assert "Marketing to +31612345678 (SMS):" in text
    assert "For SMS newsletters, +31612345678 may be sent text messages: soft opt-in" in text


def test_m5_objection_is_explained_with_event_and_date(run):
    assert (
        "For e-mail offers of own travel products, jan@example.nl is suppressed since "
        "2025-06-01: the person objected (event E456 of contact C1; rule M5). An objection is "
        "absolute (GDPR art. 21(3))."
    ) in text_of(run, address="jan@example.nl")


def test_m9_no_basis_for_partner_offers_says_soft_opt_in_never_covers_them(run):
    text = text_of(run, address="jan@example.nl")
    assert "For e-mail offers of partners' products, jan@example.nl is suppressed: there is " \
           "neither a provable consent nor a soft opt-in (rule M9" in text
    assert "Soft opt-in never covers partners' products (M2)." in text


def test_m2_soft_opt_in_names_the_booking_and_its_confirmation_date(run):
    assert (
        "+31612345678 may be sent text messages: soft opt-in as the booker of booking B12, "
        "confirmed on 2023-05-01"
    ) in text_of(run, address="0612345678")


def test_m8_remembered_withdrawal_and_m4_unprovable_grant_are_explained(run):
    text = text_of(run, address="+31612345678")
    assert ("For SMS offers of own travel products, +31612345678 is suppressed since 2025-01-02: "
            "the person withdrew consent, as an earlier published suppression list records") in text
    assert "(rule M8)" in text
    assert ("For SMS offers of partners' products, +31612345678 is suppressed since 2022-01-01: "
            "the only consent on record (event E790 of contact C1) cannot be proven") in text


def test_m7_mail_tool_unsubscribe_is_an_objection(run):
    text = text_of(run, address="PIET@example.nl")
    assert ("For e-mail newsletters, piet@example.nl is suppressed since 2025-09-09: the person "
            "unsubscribed in the mail tool (unsubscribe U1; rule M7") in text


def test_m10_tombstone_explains_an_address_no_contact_has(run):
    text = text_of(run, address="old@example.nl")
    assert "keyed-hash record (tombstone) kept when a contact who objected was deleted (rule M10)" in text
    assert "old@example.nl is no CRM contact's own address" in text


def test_m5_objection_reaches_a_booker_phone_and_names_the_contact(run):
    text = text_of(run, address="06 87654321")
    assert ("For SMS newsletters, +31687654321 is suppressed since 2025-09-09: the person "
            "objected (event E778 of contact C2; rule M5).") in text
    assert "+31687654321 is no CRM contact's own address" in text
    assert "The consent events deciding it are of contact C2" in text


def test_unknown_address_is_a_clear_error(run):
    with pytest.raises(UnknownSubject, match="nobody@example.nl is not in the run of 2026-11-28"):
        explain(run, address="nobody@example.nl")


def test_invalid_address_is_a_clear_error(run):
    with pytest.raises(UnknownSubject, match="not a valid phone number"):
        explain(run, address="bel me")


# ---------------------------------------------------------------------------- contacts


def test_contact_id_lists_its_addresses_decisions_and_every_retention_row(run):
    text = text_of(run, contact_id="C1")
    assert "Contact C1 is a customer with e-mail jan@example.nl and phone +31612345678." in text
    # marketing: both addresses, every channel × purpose (3 e-mail + 3 SMS)
    assert text.count("For e-mail ") == 3 and text.count("For SMS ") == 3
    # its own row, kept by R8
    assert ("Contact C1 (a customer) has no date for deletion yet (rule R6: a customer is deleted "
            "once every one of its bookings is due for deletion") in text
    assert "it is also kept for now by consent in force (rule R8" in text
    # its bookings and their links
    assert "Booking B12 belongs to contact C1 (by its contact_id)." in text
    assert "Booking B13 belongs to contact C1 (its booker e-mail matches exactly that contact)." in text
    assert "Booking B12 is due for deletion on 2031-01-01" in text
    # its consent events (R10), not those of another contact
    assert "Consent event E123 (consent given for e-mail newsletters on 2024-03-01)" in text
    assert "Consent event E790" in text and "E777" not in text


def test_r7_prospect_due_for_deletion_is_on_the_deletion_list(run):
    text = text_of(run, contact_id="C2")
    assert ("Contact C2 (a prospect) is due for deletion since 2025-10-09 (rule R7: a prospect "
            "without consent in force is deleted twelve months after its last activity, or "
            "30 days after its own withdrawal or objection; a policy choice); it is on the "
            "deletion list of 2026-11-28.") in text
    assert ("Consent event E777 (consent withdrawn for every purpose by e-mail on 2025-09-09) is due "
            "for deletion on 2030-09-09 (rule R10: consent evidence is kept five years") in text


def test_r10_consent_events_of_a_contact_gone_from_the_crm_are_still_explained(run):
    text = text_of(run, contact_id="C8")
    assert "Contact C8 is no longer in the CRM extract; its consent events are kept (rule R10)." in text
    assert ("Consent event E888 (objection for newsletters on every channel on 2019-01-01) is due "
            "for deletion since 2024-01-01 (rule R10") in text


def test_unknown_contact_exits_with_a_clear_error(run):
    with pytest.raises(UnknownSubject, match="Contact C404 is not in the run of 2026-11-28"):
        explain(run, contact_id="C404")


# ---------------------------------------------------------------------------- bookings


def test_r3_and_r4_sentences_name_travel_end_and_book_year(run):
    text = text_of(run, booking_id="B12")
    assert ("Booking B12 is due for minimisation of its travellers, special requests and "
            "preferences since 2025-08-15 (rule R3: two years after the trip ended on 2023-08-15, "
            "the complaint period of the travel conditions); it is on the deletion list of "
            "2026-11-28.") in text
    assert ("Booking B12 is due for deletion on 2031-01-01 (rule R4: seven-year fiscal retention "
            "under AWR art. 52 (fiscal record-keeping obligation), counted from the end of book "
            "year 2023).") in text


def test_r5_quote_kept_by_r2_ongoing_travel(run):
    text = text_of(run, booking_id="B13")
    assert ("Booking B13 is due for deletion on 2026-03-01 (rule R5: never confirmed: twelve "
            "months after the quote or option was made on 2025-03-01; a policy choice)") not in text
    assert ("Booking B13 would be due for deletion since 2026-03-01 (rule R5: never confirmed: "
            "twelve months after the quote or option was made on 2025-03-01; a policy choice), "
            "but it is kept by ongoing travel (rule R2: a trip returning, or departing, on or "
            "after 2026-11-28 keeps the booking and its contact).") in text


def test_r1_legal_hold_keeps_a_booking_past_its_dates(run):
    text = text_of(run, booking_id="B14")
    assert "Booking B14 would be due for deletion since 2025-01-01" in text
    assert "but it is kept by a legal hold (rule R1: an open complaint, dispute or claim" in text
    assert "Booking B14 would be due for minimisation of its travellers, special requests and " \
           "preferences since 2019-12-31" in text


def test_r9_unlinked_booking_is_explained_and_due(run):
    text = text_of(run, booking_id="B99")
    assert "Booking B99 is linked to no CRM contact (rule R9" in text
    assert "Booking B99 is due for deletion since 2026-01-01 (rule R5" in text
    assert "it is on the deletion list of 2026-11-28." in text


def test_g2_due_row_says_the_deletion_list_is_held(tmp_path):
    write_run(tmp_path / "out", held=True)
    text = text_of(find_run(tmp_path / "out"), booking_id="B99")
    assert "it is on the deletion list of 2026-11-28, which is held for a person's approval (G2)." in text


def test_unknown_booking_exits_with_a_clear_error(run):
    with pytest.raises(UnknownSubject, match="Booking B404 is not in the run"):
        explain(run, booking_id="B404")


# ---------------------------------------------------------------------------- runs


def test_explain_reads_the_run_of_the_date_asked_not_latest(tmp_path):
    write_run(tmp_path / "out", "2026-11-27")
    write_run(tmp_path / "out", D, explain=False)
    older = find_run(tmp_path / "out", "2026-11-27")
    assert "Run of 2026-11-27" in text_of(older, booking_id="B12")
    with pytest.raises(ExplainTablesMissing, match="published before `explain` existed"):
        explain(find_run(tmp_path / "out"), booking_id="B12")


def test_no_output_folder_names_hygiene_output_dir(tmp_path):
    with pytest.raises(RunNotFound, match=r"\$HYGIENE_OUTPUT_DIR"):
        find_run(tmp_path / "nothing-here")
