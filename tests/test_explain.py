"""`hygiene explain` (issue "Explain", "The privacy officer's desk"): every decision about an
address, a contact or a booking, from the published run only, as a letter a privacy officer can
forward: Dutch by default, English with HYGIENE_LANGUAGE=en, plain words with the rule's key in
brackets, dates as a person reads them and in the past tense only when past, each thing said
once, and no personal data beyond the address asked about."""

from __future__ import annotations

import json
import re
import string

import pytest
import yaml

from hygiene.explain import (
    TABLE_FILES,
    ExplainTablesMissing,
    UnknownDate,
    UnknownSubject,
    explain,
    night_typed,
)
from hygiene.explain.words import MESSAGES
from hygiene.language import LANGUAGE_VARIABLE, LANGUAGES
from hygiene.runs import RunNotFound, find_run
from hygiene.settings import DBT_PROJECT_DIR
from hygiene.sql_macros import normalize_address
from published_run import CONTACTS, D, read_rows, write_run, write_table

# Every subject of tests/published_run.py, as a privacy officer would ask about it.
SUBJECTS = [
    {"contact_id": contact_id} for contact_id in ("C1", "C2", "C3", "C8")
] + [
    {"address": address} for address in ("jan@example.nl", "+31612345678", "piet@example.nl",
                                          "+31687654321", "old@example.nl")
] + [{"booking_id": booking_id} for booking_id in ("B12", "B13", "B14", "B99")]


@pytest.fixture(autouse=True)
def dutch_unless_asked(monkeypatch):
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)


@pytest.fixture(params=LANGUAGES)
def language(request, monkeypatch):
    """Each test that takes it runs once per language the privacy officer can read."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, request.param)
    return request.param


@pytest.fixture
def run(tmp_path):
    write_run(tmp_path / "out", report=False)
    return find_run(tmp_path / "out")


def text_of(run, **subject) -> str:
    return "\n".join(explain(run, **subject).lines())


def in_(language: str, *, nl: str, en: str) -> str:
    """The wording a test expects in the language it runs in."""
    return {"nl": nl, "en": en}[language]


def add_rows(run, table: str, *lines: str) -> None:
    """Append rows to one of the run's explain tables: a person the shared story lacks."""
    path = run.folder / "explain" / TABLE_FILES[table]
    rows = read_rows(path)
    write_table(path, [",".join(rows[0]) if rows else "", *(",".join(r.values()) for r in rows),
                       *lines])


def add_kees(run) -> None:
    """C4, a customer who objected to all marketing by e-mail and has no basis for SMS."""
    add_rows(run, "contacts", "C4,kees@example.nl,+31611112222,customer")
    add_rows(run, "consent_events", "E999,C4,email,all,object,2026-02-02,web_form,false,,")
    add_rows(run, "address_decisions", *(
        f"email,kees@example.nl,{purpose},false,,objected,2026-02-02,M5,consent_event,E999,"
        "object,2026-02-02"
        for purpose in ("newsletter", "offers", "partner_offers")
    ), *(
        f"sms,+31611112222,{purpose},false,,no_basis,,M9,none,,,"
        for purpose in ("newsletter", "offers", "partner_offers")
    ))
    add_rows(run, "retention_deadlines", "contact,C4,delete,R6,,,false,false")


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


def test_m4_consent_is_explained_for_an_address_typed_with_odd_spacing_and_casing(run, language):
    text = text_of(run, address="  Jan@Example.NL ")
    assert in_(
        language,
        nl="- Nieuwsbrieven: toegestaan op grond van toestemming (M4), gegeven op 1 maart 2024 "
           "(gebeurtenis E123, bewijs DOI-881, toestemmingstekst v3).",
        en="- Newsletters: allowed on the basis of consent (M4), given on 1 March 2024 (event "
           "E123, proof DOI-881, consent text v3).",
    ) in text
    assert in_(
        language,
        nl="Gevraagd naar '  Jan@Example.NL '; volgens de regels is dat jan@example.nl.",
        en="Asked about '  Jan@Example.NL '; the rules read it as jan@example.nl.",
    ) in text
    assert in_(
        language,
        nl="jan@example.nl is het e-mailadres van contact C1, een klant (M3: met minstens één "
           "boeking die een bindende overeenkomst werd)",
        en="jan@example.nl is the e-mail address of contact C1, a customer (M3: with at least "
           "one booking that became a binding agreement)",
    ) in text


@pytest.mark.parametrize("typed", ["06 12345678", "+31 6 1234 5678", "0031612345678",
                                   "+31 (0)6 12345678", "06-12345678"])
def test_dutch_phone_spellings_find_the_one_e164_address(run, typed):
    text = text_of(run, address=typed)
    assert "Marketing per sms aan +31612345678:" in text
    assert "- Nieuwsbrieven: toegestaan op grond van de zachte opt-in" in text


def test_m5_objection_is_explained_with_event_and_date(run, language):
    assert in_(
        language,
        nl="- Aanbiedingen van eigen reizen: niet toegestaan sinds 1 juni 2025: bezwaar gemaakt "
           "(M5; gebeurtenis E456). Bezwaar tegen direct marketing geldt altijd, zonder afweging "
           "(AVG art. 21 lid 3).",
        en="- Offers of own travel products: not allowed since 1 June 2025: objected (M5; event "
           "E456). An objection to direct marketing is absolute (GDPR art. 21(3)).",
    ) in text_of(run, address="jan@example.nl")


def test_m9_no_basis_for_partner_offers_says_soft_opt_in_never_covers_them(run, language):
    assert in_(
        language,
        nl="- Aanbiedingen van partners: niet toegestaan: geen grondslag (M9: geen bewijsbare "
           "toestemming en geen zachte opt-in, en zonder grondslag wordt niets gestuurd). Een "
           "zachte opt-in geldt nooit voor aanbiedingen van partners (M2).",
        en="- Offers of partners' products: not allowed: no basis (M9: neither a provable "
           "consent nor a soft opt-in, and an address without a basis is not sent to). A soft "
           "opt-in never covers partners' products (M2).",
    ) in text_of(run, address="jan@example.nl")


def test_m2_soft_opt_in_names_the_booking_and_its_confirmation_date(run, language):
    assert in_(
        language,
        nl="- Nieuwsbrieven: toegestaan op grond van de zachte opt-in voor bestaande klanten "
           "(M2): boeker van boeking B12, bevestigd op 1 mei 2023, met op het boekingsformulier "
           "een duidelijke, kosteloze mogelijkheid om bezwaar te maken.",
        en="- Newsletters: allowed on the basis of the soft opt-in for existing customers (M2): "
           "the booker of booking B12, confirmed on 1 May 2023, whose booking form offered a "
           "clear, free opportunity to object.",
    ) in text_of(run, address="0612345678")


def test_m8_remembered_withdrawal_and_m4_unprovable_grant_are_explained(run, language):
    text = text_of(run, address="+31612345678")
    assert in_(
        language,
        nl="- Aanbiedingen van eigen reizen: niet toegestaan sinds 2 januari 2025: toestemming "
           "ingetrokken, zoals een eerder gepubliceerde onderdrukkingslijst vastlegt (M8: de "
           "gebeurtenis staat niet meer in de exports, maar een onderdrukking wordt nooit "
           "vergeten).",
        en="- Offers of own travel products: not allowed since 2 January 2025: consent "
           "withdrawn, as an earlier published suppression list records (M8: the event is no "
           "longer in the extracts, but a suppression is never forgotten).",
    ) in text
    assert in_(
        language,
        nl="- Aanbiedingen van partners: niet toegestaan: onbewijsbare toestemming (M4: er "
           "ontbreekt een bewijsreferentie of de getoonde tekst); de enige toestemming "
           "(gebeurtenis E790, gegeven op 1 januari 2022) is geen grondslag om te sturen.",
        en="- Offers of partners' products: not allowed: unprovable consent (M4: it lacks a "
           "proof reference or the wording shown); the only consent on record (event E790, "
           "given on 1 January 2022) is no basis to send.",
    ) in text


def test_m7_mail_tool_unsubscribe_is_an_objection(run, language):
    assert in_(
        language,
        nl="- Nieuwsbrieven: niet toegestaan sinds 9 september 2025: afgemeld in de mailtool "
           "(afmelding U1), en een afmelding telt als bezwaar (M7).",
        en="- Newsletters: not allowed since 9 September 2025: unsubscribed in the mail tool "
           "(unsubscribe U1), and an unsubscribe is an objection (M7).",
    ) in text_of(run, address="PIET@example.nl")


def test_m10_tombstone_explains_an_address_no_contact_has(run, language):
    text = text_of(run, address="old@example.nl")
    assert in_(
        language,
        nl="het adres komt overeen met de vastlegging als gesleutelde hash (tombstone) van een "
           "contact dat bezwaar maakte en daarna werd verwijderd (M10).",
        en="the address matches the keyed-hash record (tombstone) kept when a contact who "
           "objected was deleted (M10).",
    ) in text
    assert in_(
        language,
        nl="old@example.nl is niet het eigen adres van een contact in het CRM",
        en="old@example.nl is no CRM contact's own address",
    ) in text


def test_m6_objection_reaches_a_booker_phone_and_names_the_contact(run, language):
    text = text_of(run, address="06 87654321")
    assert in_(
        language,
        nl="- Nieuwsbrieven: niet toegestaan sinds 9 september 2025: bezwaar gemaakt (M5; "
           "gebeurtenis E778).",
        en="- Newsletters: not allowed since 9 September 2025: objected (M5; event E778).",
    ) in text
    assert in_(
        language,
        nl="+31687654321 is niet het eigen adres van een contact in het CRM",
        en="+31687654321 is no CRM contact's own address",
    ) in text
    assert in_(
        language,
        nl="Het besluit volgt uit toestemmingsgebeurtenissen van contact C2: een intrekking of "
           "bezwaar geldt ook voor de adressen die een contact bij zijn boekingen opgaf (M6).",
        en="It is decided by consent events of contact C2: a withdrawal or objection also "
           "covers the addresses a contact gave with its bookings (M6).",
    ) in text


# ---------------------------------------------------------------------------- contacts


def test_contact_letter_gives_marketing_per_channel_and_every_retention_row(run, language):
    text = text_of(run, contact_id="C1")
    assert in_(language, nl="Het contact heeft een e-mailadres en een telefoonnummer.",
               en="The contact has an e-mail address and a phone number.") in text
    # marketing: both addresses, every channel × purpose (3 e-mail + 3 SMS)
    for channel in in_(language, nl=("e-mail", "sms"), en=("e-mail", "SMS")):
        section = text.split(in_(language, nl=f"Marketing per {channel}:",
                                 en=f"Marketing by {channel}:"))[1].split("\n\n")[0]
        assert section.count("\n- ") == 3, section
    # its own row, kept by R8
    assert in_(
        language,
        nl="Het contact heeft nog geen datum om te worden verwijderd (R6: een klant wordt pas "
           "verwijderd als al zijn boekingen verwijderd moeten worden en er geen toestemming "
           "geldt; zover is het nog niet), en wordt voorlopig bewaard wegens geldende "
           "toestemming (R8: ",
        en="The contact has no date yet to be deleted (R6: a customer is deleted only once every "
           "one of its bookings is due for deletion and no consent is in force; that is not the "
           "case yet), and is kept for now because of consent in force (R8: ",
    ) in text
    # its bookings and their links (R9)
    assert in_(
        language,
        nl="Boeking B12:\n- De boeking hoort bij contact C1, via het contact-id op de boeking (R9).",
        en="Booking B12:\n- The booking belongs to contact C1, by the contact id on the booking "
           "(R9).",
    ) in text
    assert in_(
        language,
        nl="Boeking B13:\n- De boeking hoort bij contact C1: het e-mailadres van de boeker is van "
           "dat contact en van geen ander (R9).",
        en="Booking B13:\n- The booking belongs to contact C1: its booker e-mail is that "
           "contact's and no other's (R9).",
    ) in text
    assert in_(language, nl="- De boeking wordt op 1 januari 2031 verwijderd (R4",
               en="- The booking will be deleted on 1 January 2031 (R4") in text
    # its consent events (R10), not those of another contact
    assert in_(language, nl="- E123: toestemming gegeven voor nieuwsbrieven per e-mail op 1 maart 2024.",
               en="- E123: consent given for newsletters by e-mail on 1 March 2024.") in text
    assert "- E790: " in text and "E777" not in text


def test_r7_prospect_due_for_deletion_is_on_the_deletion_list(run, language):
    text = text_of(run, contact_id="C2")
    assert in_(
        language,
        nl="Het contact moest op 9 oktober 2025 worden verwijderd (R7: een prospect zonder "
           "geldende toestemming wordt twaalf maanden na de laatste activiteit verwijderd, of 30 "
           "dagen na een eigen intrekking of bezwaar; een beleidskeuze) en staat daarom op de "
           "verwijderlijst van deze nacht.",
        en="The contact was due to be deleted on 9 October 2025 (R7: a prospect without consent "
           "in force is deleted twelve months after its last activity, or 30 days after its own "
           "withdrawal or objection; a policy choice) and is therefore on this night's deletion "
           "list.",
    ) in text
    assert in_(
        language,
        nl="- Gebeurtenis E777 (toestemming ingetrokken voor alle marketing per e-mail op 9 "
           "september 2025) wordt op 9 september 2030 verwijderd (R10: bewijs van toestemming "
           "wordt vijf jaar bewaard",
        en="- Event E777 (consent withdrawn for all marketing by e-mail on 9 September 2025) "
           "will be deleted on 9 September 2030 (R10: consent evidence is kept five years",
    ) in text


def test_r10_consent_events_of_a_contact_gone_from_the_crm_are_still_explained(run, language):
    text = text_of(run, contact_id="C8")
    assert in_(
        language,
        nl="Contact C8 staat niet meer in de CRM-export; alleen zijn toestemmingsgebeurtenissen "
           "zijn er nog, als bewijs (R10).",
        en="Contact C8 is no longer in the CRM extract; only its consent events remain, as "
           "evidence (R10).",
    ) in text
    assert in_(
        language,
        nl="- Gebeurtenis E888 (bezwaar gemaakt tegen nieuwsbrieven via elk kanaal op 1 januari "
           "2019) moest op 1 januari 2024 worden verwijderd (R10",
        en="- Event E888 (objected to newsletters on every channel on 1 January 2019) was due to "
           "be deleted on 1 January 2024 (R10",
    ) in text


# ---------------------------------------------------------------------------- bookings


def test_r3_and_r4_sentences_name_travel_end_and_book_year(run, language):
    text = text_of(run, booking_id="B12")
    assert in_(
        language,
        nl="- De boeking moest op 15 augustus 2025 worden ontdaan van reizigers, bijzondere "
           "wensen en voorkeuren (R3: twee jaar nadat de reis op 15 augustus 2023 eindigde, de "
           "klachttermijn van de reisvoorwaarden) en staat daarom op de verwijderlijst van deze "
           "nacht.",
        en="- The booking was due to be stripped of its travellers, special requests and "
           "preferences on 15 August 2025 (R3: two years after the trip ended on 15 August 2023, "
           "the complaint period of the travel conditions) and is therefore on this night's "
           "deletion list.",
    ) in text
    assert in_(
        language,
        nl="- De boeking wordt op 1 januari 2031 verwijderd (R4: zeven jaar fiscale bewaarplicht "
           "(AWR art. 52), gerekend vanaf het einde van boekjaar 2023).",
        en="- The booking will be deleted on 1 January 2031 (R4: seven years of fiscal "
           "record-keeping (AWR art. 52), counted from the end of book year 2023).",
    ) in text


def test_r5_quote_kept_by_r2_ongoing_travel(run, language):
    text = text_of(run, booking_id="B13")
    assert in_(
        language,
        nl="- De boeking zou op 1 maart 2026 worden verwijderd (R5: nooit bevestigd: twaalf "
           "maanden na de offerte of optie van 1 maart 2025; een beleidskeuze), maar wordt "
           "bewaard wegens een lopende reis (R2: een reis die niet vóór de datum van deze nacht "
           "eindigt, houdt de boeking en het contact vast).",
        en="- The booking was due to be deleted on 1 March 2026 (R5: never confirmed: twelve "
           "months after the quote or option of 1 March 2025; a policy choice), but is kept "
           "because of ongoing travel (R2: a trip that does not end before the date of this "
           "night keeps the booking and its contact).",
    ) in text
    assert in_(language, nl="verwijderlijst", en="deletion list") not in text


def test_r1_legal_hold_keeps_a_booking_past_its_dates(run, language):
    text = text_of(run, booking_id="B14")
    assert in_(
        language,
        nl="- De boeking zou op 31 december 2019 worden ontdaan van reizigers, bijzondere wensen "
           "en voorkeuren (R3",
        en="- The booking was due to be stripped of its travellers, special requests and "
           "preferences on 31 December 2019 (R3",
    ) in text
    assert in_(
        language,
        nl="maar wordt bewaard wegens een juridische blokkade (R1: bij een lopende klacht, "
           "geschil of claim blijven het contact en zijn boekingen bewaard).",
        en="but is kept because of a legal hold (R1: an open complaint, dispute or claim exempts "
           "the contact and its bookings).",
    ) in text
    assert in_(language, nl="- De boeking zou op 1 januari 2025 worden verwijderd (R4",
               en="- The booking was due to be deleted on 1 January 2025 (R4") in text


def test_r9_unlinked_booking_is_explained_and_due(run, language):
    text = text_of(run, booking_id="B99")
    assert in_(
        language,
        nl="- De boeking hoort bij geen enkel contact in het CRM (R9",
        en="- The booking belongs to no CRM contact (R9",
    ) in text
    assert in_(
        language,
        nl="- De boeking moest op 1 januari 2026 worden verwijderd (R5: nooit bevestigd",
        en="- The booking was due to be deleted on 1 January 2026 (R5: never confirmed",
    ) in text
    assert in_(language, nl="en staat daarom op de verwijderlijst van deze nacht.",
               en="and is therefore on this night's deletion list.") in text


def test_g2_due_row_says_the_deletion_list_is_held(tmp_path, language):
    write_run(tmp_path / "out", held=True)
    assert in_(
        language,
        nl="en staat daarom op de verwijderlijst van deze nacht, die wacht op goedkeuring door "
           "een persoon (G2).",
        en="and is therefore on this night's deletion list, which is held for a person's "
           "approval (G2).",
    ) in text_of(find_run(tmp_path / "out"), booking_id="B99")


# ---------------------------------------------------------------------------- not found


@pytest.mark.parametrize(("subject", "nl", "en"), [
    ({"address": "nobody@example.nl"}, "nobody@example.nl staat niet in de nacht van 28 november 2026",
     "nobody@example.nl is not in the night of 28 November 2026"),
    ({"address": "bel me"}, "geen geldig telefoonnummer", "not a valid phone number"),
    ({"contact_id": "C404"}, "Contact C404 staat niet in de nacht van 28 november 2026",
     "Contact C404 is not in the night of 28 November 2026"),
    ({"booking_id": "B404"}, "Boeking B404 staat niet in de nacht", "Booking B404 is not in the night"),
], ids=["address-unknown", "address-invalid", "contact-unknown", "booking-unknown"])
def test_a_subject_not_in_the_night_is_a_clear_error(run, language, subject, nl, en):
    with pytest.raises(UnknownSubject, match=in_(language, nl=nl, en=en)):
        explain(run, **subject)


# ---------------------------------------------------------------------------- dates and tense


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: next(iter(s.values())))
def test_dates_are_written_as_a_person_reads_them(run, subject):
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text_of(run, **subject))


def test_r4_a_due_date_before_d_is_past_and_one_after_d_is_future(run, language):
    text = text_of(run, booking_id="B12")
    assert in_(language, nl="De boeking moest op 15 augustus 2025 worden ontdaan",
               en="The booking was due to be stripped") in text
    assert in_(language, nl="De boeking wordt op 1 januari 2031 verwijderd",
               en="The booking will be deleted on 1 January 2031") in text


def test_r3_a_trip_not_yet_ended_is_said_in_the_future_tense(run, language):
    add_rows(run, "booking_links", "B15,C1,contact_id,2026-10-01,2027-01-10,2026")
    add_rows(run, "retention_deadlines", "booking,B15,minimize,R3,2029-01-10,R2,false,false")
    assert in_(
        language,
        nl="- De boeking wordt op 10 januari 2029 ontdaan van reizigers, bijzondere wensen en "
           "voorkeuren (R3: twee jaar nadat de reis op 10 januari 2027 eindigt, de klachttermijn "
           "van de reisvoorwaarden), en wordt voorlopig ook bewaard wegens een lopende reis (R2",
        en="- The booking will be stripped of its travellers, special requests and preferences "
           "on 10 January 2029 (R3: two years after the trip ends on 10 January 2027, the "
           "complaint period of the travel conditions), and is also kept for now because of "
           "ongoing travel (R2",
    ) in text_of(run, booking_id="B15")
    assert in_(language, nl="nadat de reis op 15 augustus 2023 eindigde",
               en="after the trip ended on 15 August 2023") in text_of(run, booking_id="B12")


# ---------------------------------------------------------------------------- said once


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: next(iter(s.values())))
def test_g4_the_night_policy_and_code_are_said_once_at_the_top(run, language, subject):
    lines = explain(run, **subject).lines()
    assert lines[0] == in_(
        language,
        nl="Deze uitleg komt uit de nacht van 28 november 2026 (beleid p0licy, code c0de).",
        en="This explanation comes from the night of 28 November 2026 (policy p0licy, code c0de).",
    )
    assert sum("p0licy" in line or "c0de" in line for line in lines) == 1


def test_m5_an_objection_to_all_marketing_is_said_once_for_the_channel(run, language):
    add_kees(run)
    text = text_of(run, address="kees@example.nl")
    assert text.endswith(in_(
        language,
        nl="Marketing per e-mail aan kees@example.nl:\n- Alle marketing: niet toegestaan sinds "
           "2 februari 2026: bezwaar gemaakt (M5; gebeurtenis E999). Bezwaar tegen direct "
           "marketing geldt altijd, zonder afweging (AVG art. 21 lid 3).",
        en="Marketing by e-mail to kees@example.nl:\n- All marketing: not allowed since "
           "2 February 2026: objected (M5; event E999). An objection to direct marketing is "
           "absolute (GDPR art. 21(3)).",
    ))


def test_m9_purposes_decided_alike_share_one_bullet(run, language):
    add_kees(run)
    text = text_of(run, address="+31611112222")
    assert text.endswith(in_(
        language,
        nl="- Nieuwsbrieven en aanbiedingen van eigen reizen: niet toegestaan: geen grondslag "
           "(M9: geen bewijsbare toestemming en geen zachte opt-in, en zonder grondslag wordt "
           "niets gestuurd).\n- Aanbiedingen van partners: niet toegestaan: geen grondslag (M9). "
           "Een zachte opt-in geldt nooit voor aanbiedingen van partners (M2).",
        en="- Newsletters and offers of own travel products: not allowed: no basis (M9: neither "
           "a provable consent nor a soft opt-in, and an address without a basis is not sent "
           "to).\n- Offers of partners' products: not allowed: no basis (M9). A soft opt-in "
           "never covers partners' products (M2).",
    ))


def test_r1_a_rule_is_explained_the_first_time_it_is_cited_and_named_after_that(run, language):
    text = text_of(run, contact_id="C3")
    explanation = in_(language, nl="(R1: bij een lopende klacht, geschil of claim",
                      en="(R1: an open complaint, dispute or claim")
    assert text.count(explanation) == 1
    assert text.index(explanation) < text.index(in_(language, nl="Boeking B14", en="Booking B14"))
    assert text.count("(R1).") == 2  # B14's minimisation and deletion


def test_r10_consent_events_kept_alike_share_one_sentence(run, language):
    text = text_of(run, contact_id="C1")
    assert in_(
        language,
        nl="Bewijs van toestemming:\nElke gebeurtenis hieronder heeft nog geen datum om te worden "
           "verwijderd (R10: bewijs van toestemming wordt vijf jaar na de verwijderdatum van het "
           "contact bewaard, en die datum staat nog niet vast), en wordt voorlopig bewaard wegens "
           "geldende toestemming (R8).\n- E123: ",
        en="Consent evidence:\nEach event below has no date yet to be deleted (R10: consent "
           "evidence is kept five years after the contact's own deletion date, and that date is "
           "not set yet), and is kept for now because of consent in force (R8).\n- E123: ",
    ) in text
    assert text.count("(R8: ") == 1  # explained for the contact itself, named for its events


# ---------------------------------------------------------------------------- ids


@pytest.mark.parametrize(("subject", "found"), [
    ({"contact_id": "c1"}, "Contact C1 "),
    ({"contact_id": " c8 "}, "Contact C8 "),
    ({"booking_id": "b12"}, "Boeking B12:"),
])
def test_r9_contact_and_booking_ids_are_found_whatever_their_case(run, subject, found):
    assert found in text_of(run, **subject)


def test_ids_that_differ_only_by_case_are_matched_exactly_or_refused(run, language):
    add_rows(run, "contacts", "Ab1,,,prospect", "aB1,,,customer")
    assert "Contact aB1 " in text_of(run, contact_id="aB1")
    message = in_(language, nl="ab1 past bij meer dan één id", en="ab1 matches more than one id")
    with pytest.raises(UnknownSubject, match=message):
        explain(run, contact_id="ab1")


# ---------------------------------------------------------------------------- language


def words(text: str) -> set[str]:
    """The words of a text, without its `{fields}`, ids, codes or numbers."""
    text = re.sub(r"\{[^}]*\}", " ", text)
    return {word for word in re.findall(r"\b[^\W\d_]{2,}\b", text.lower())}


def only_in(language: str) -> set[str]:
    """The catalogue's words that only `language` uses: a sign of the other language if seen."""
    other = {lang for lang in LANGUAGES if lang != language}
    theirs = set().union(*(words(m[lang]) for m in MESSAGES.values() for lang in other))
    return set().union(*(words(m[language]) for m in MESSAGES.values())) - theirs


def test_every_message_is_in_both_languages_with_the_same_fields():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert fields(texts["nl"]) == fields(texts["en"]), key


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: next(iter(s.values())))
def test_a_letter_has_no_word_of_the_other_language(run, language, subject):
    other = "en" if language == "nl" else "nl"
    assert not words(text_of(run, **subject)) & only_in(other)


# ---------------------------------------------------------------------------- personal data


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: next(iter(s.values())))
def test_a_letter_shows_no_address_but_the_one_asked_about(run, subject):
    addresses = {value for line in CONTACTS[1:] for value in line.split(",")[1:3] if value}
    addresses |= {"+31687654321", "old@example.nl"}
    shown = {address for address in addresses if address in text_of(run, **subject)}
    assert shown <= {subject.get("address")}


# ---------------------------------------------------------------------------- runs


def test_explain_reads_the_run_of_the_date_asked_not_latest(tmp_path):
    write_run(tmp_path / "out", "2026-11-27")
    write_run(tmp_path / "out", D, explain=False)
    older = find_run(tmp_path / "out", "2026-11-27")
    assert "Deze uitleg komt uit de nacht van 27 november 2026" in text_of(older, booking_id="B12")
    with pytest.raises(ExplainTablesMissing, match="gepubliceerd voordat `explain` bestond"):
        explain(find_run(tmp_path / "out"), booking_id="B12")


def degrade(folder) -> None:
    """Make a hand-made run look as G5 publishes a failed night: no explain tables."""
    manifest = json.loads((folder / "run_manifest.json").read_text())
    manifest |= {"status": "degraded", "degraded": {"failed_task": "load_raw"}}
    (folder / "run_manifest.json").write_text(json.dumps(manifest))


def test_g5_a_degraded_night_is_explained_by_the_last_full_night(tmp_path, language):
    """...whose explain tables are still there: not a degraded one, nor one G6 has pruned."""
    write_run(tmp_path / "out", "2026-11-25", report=False)
    prune = write_run(tmp_path / "out", "2026-11-26", report=False)
    manifest = json.loads((prune / "run_manifest.json").read_text())
    (prune / "run_manifest.json").write_text(json.dumps(manifest | {"pruned": {"rule": "G6"}}))
    degrade(write_run(tmp_path / "out", "2026-11-27", explain=False, report=False))
    degrade(write_run(tmp_path / "out", D, explain=False, report=False))
    with pytest.raises(ExplainTablesMissing) as refused:
        explain(find_run(tmp_path / "out"), booking_id="B12")
    # in the report's words and by dates: the privacy officer reads it in the UI's Waarom? too
    assert str(refused.value).startswith(in_(
        language,
        nl="De nacht van 28 november 2026 is een noodversie (G5): het ging mis bij het inlezen "
           "van de exports (G1), dus",
        en="The night of 28 November 2026 is degraded (G5): it went wrong in loading the "
           "extracts (G1), so",
    ))
    assert in_(language, nl="vraag de uitleg van 25 november 2026 op.",
               en="ask for the explanation of 25 November 2026.") in str(refused.value)
    assert "`" not in str(refused.value) and "load_raw" not in str(refused.value)


def test_g5_a_degraded_first_night_says_no_night_can_explain_it(tmp_path):
    degrade(write_run(tmp_path / "out", D, explain=False, report=False))
    with pytest.raises(ExplainTablesMissing, match="geen eerdere volledige nacht"):
        explain(find_run(tmp_path / "out"), booking_id="B12")


def test_a_date_no_calendar_has_is_refused_as_it_was_typed():
    """The UI's Waarom? takes what is typed; 31 November is no night, and no crash either."""
    with pytest.raises(UnknownDate, match="'31-11-2026' is geen datum"):
        night_typed("31-11-2026")


def test_no_output_folder_names_hygiene_output_dir(tmp_path):
    with pytest.raises(RunNotFound, match=r"\$HYGIENE_OUTPUT_DIR"):
        find_run(tmp_path / "nothing-here")
