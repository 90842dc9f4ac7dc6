"""The three letters `explain` writes: about an address, a contact or a booking.

A letter opens with the night it comes from, then who the subject is, then one section per
thing decided about it (marketing per channel, each booking, the consent evidence). What every
row of a section shares is said once: purposes decided alike share a bullet, events kept alike
share a lead sentence, and a rule is explained the first time the letter cites it.

Only the address asked about is ever shown: a letter about a contact or a booking says whether
the contact has an e-mail address or phone number, not what it is, so it can be forwarded to the
person who asked without passing on more personal data than they gave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hygiene.errors import HygieneError
from hygiene.explain.sentences import (
    Voice,
    booking_why,
    contact_sentences,
    contact_why,
    contacts_words,
    event_why,
    event_words,
    link_sentence,
    marketing_bullets,
    retention_sentence,
    status,
)
from hygiene.explain.tables import ExplainTables, Row
from hygiene.language import current_language
from hygiene.runs import PublishedRun, RunNotFound, find_run
from hygiene.sql_macros import normalize_address

CHANNELS = ("email", "sms")
ACTION_ORDER = ("minimize", "delete")


class UnknownSubject(HygieneError):
    """The address, contact or booking asked about is not in the published run."""


@dataclass(frozen=True)
class Section:
    title: str
    bullets: list[str]
    lead: str = ""  # what every bullet shares, said once before them


@dataclass(frozen=True)
class Explanation:
    intro: list[str]
    sections: list[Section]

    def lines(self) -> list[str]:
        """The letter as the CLI prints it and the UI page shows it."""
        lines = list(self.intro)
        for section in self.sections:
            lines += ["", f"{section.title}:"] + ([section.lead] if section.lead else [])
            lines += [f"- {bullet}" for bullet in section.bullets]
        return lines


def letter(run: PublishedRun, voice: Voice, intro: list[str],
           sections: list[Section]) -> Explanation:
    """The heading, then `intro` and the non-empty `sections`, shortened in reading order so
    that what the letter has said (a rule's explanation, a note) is not said again."""
    heading = voice.say(
        "heading", run_date=voice.date(run.run_date),
        policy_version=run.manifest.get("policy_version", "?"),
        code_version=run.manifest.get("code_version", "?"),
    )
    said = voice.said_once
    opening = [said(line) for line in [heading, *intro]]
    shortened = []
    for section in sections:
        if section.bullets:
            lead = said(section.lead)
            shortened.append(Section(section.title, [said(b) for b in section.bullets], lead))
    return Explanation(opening, shortened)


# How a Dutch reader types a date: 28-11-2026, 28/11/2026, 28.11.2026.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


class UnknownDate(HygieneError):
    """What was typed as the night is no date."""


def night_typed(typed: str) -> str | None:
    """The D a person typed (YYYY-MM-DD, or day-month-year as the Dutch write it), or None when
    nothing was typed (the latest night); refused in the reader's language when it is no date."""
    text = typed.strip()
    if not text:
        return None
    if day_month_year := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = day_month_year.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        voice = Voice.of(current_language(), "")
        raise UnknownDate(voice.say("error.not_a_date", typed=typed.strip())) from None


def published_run(output_root: Path, run_date: str | None = None) -> PublishedRun:
    """D's published run (the latest without D), refused in the privacy officer's language."""
    try:
        return find_run(output_root, run_date)
    except RunNotFound as missing:
        voice = Voice.of(current_language(), run_date or "")
        fields = dict(missing.fields)
        if "run_date" in fields:  # a date: the CLI's --date and the UI's night_typed checked it
            fields["run_date"] = voice.date(fields["run_date"])
        if "published" in fields:
            fields["published"] = (", ".join(map(voice.date, fields["published"]))
                                   or voice.say("run.none_published"))
        raise RunNotFound(voice.say(f"error.{missing.reason}", **fields), missing.reason,
                          **missing.fields) from None


def explain(run: PublishedRun, *, address: str | None = None, contact_id: str | None = None,
            booking_id: str | None = None) -> Explanation:
    """The letter about exactly one of an address, a contact id or a booking id, in the
    language the privacy officer reads (`hygiene.language`)."""
    voice = Voice.of(current_language(), run.run_date)
    if address is not None:
        return explain_address(run, address, voice)
    if contact_id is not None:
        return explain_contact(run, contact_id.strip(), voice)
    if booking_id is not None:
        return explain_booking(run, booking_id.strip(), voice)
    raise UnknownSubject(voice.say("error.no_subject"))


# ---------------------------------------------------------------------------- an address


def explain_address(run: PublishedRun, typed: str, voice: Voice) -> Explanation:
    """Every marketing decision about one address (M1–M10), and whose address it is."""
    channel, address = normalize_address(typed)
    if address is None:
        raise UnknownSubject(voice.say(f"error.invalid_{channel}", typed=typed))
    with ExplainTables(run, voice) as tables:
        decisions = tables.select(
            "address_decisions", "channel = ? and address = ?", [channel, address]
        )
        column = "email" if channel == "email" else "phone"
        owners = sorted(tables.select("contacts", f"{column} = ?", [address]),
                        key=lambda owner: owner["contact_id"])
        if not decisions and not owners:
            raise UnknownSubject(voice.say(
                "error.unknown_address", address=address, run_date=voice.date(run.run_date)))
        events = events_of(decisions, tables)
    who, named = address_who(typed, address, channel, owners, events, voice)
    title = voice.say("title.marketing_to", channel=voice.say(f"channel.{channel}"),
                      address=address)
    return letter(run, voice, who,
                  [Section(title, marketing_bullets(decisions, events, named, voice))])


def address_who(typed: str, address: str, channel: str, owners: list[Row],
                events: dict[str, Row], voice: Voice) -> tuple[list[str], set[str]]:
    """Whose address it is (M6), or whose events reach it; and the contacts thereby named."""
    who = [voice.say("who.normalised", typed=typed, address=address)] if typed != address else []
    if owners:
        who += [
            voice.say("who.address_owner", address=address, contact_id=owner["contact_id"],
                      address_kind=voice.say(f"address.{channel}"),
                      status=status(owner["customer_status"], voice))
            for owner in owners
        ]
        return who, {owner["contact_id"] for owner in owners}
    who.append(voice.say("who.address_no_owner", address=address))
    contact_ids = sorted({e["contact_id"] for e in events.values() if e.get("contact_id")})
    if contact_ids:
        who.append(voice.say("who.event_contacts", contacts=contacts_words(contact_ids, voice)))
    return who, set(contact_ids)


# ---------------------------------------------------------------------------- a contact


def explain_contact(run: PublishedRun, typed: str, voice: Voice) -> Explanation:
    """A contact's retention, its addresses' decisions, its bookings' and consent events'."""
    held = run.is_deletion_list_held
    with ExplainTables(run, voice) as tables:
        contact_id = one_id(typed, tables.ids_like("contacts", "contact_id", typed)
                            | tables.ids_like("consent_events", "contact_id", typed), voice)
        if contact_id is None:
            raise UnknownSubject(voice.say(
                "error.unknown_contact", contact_id=typed, run_date=voice.date(run.run_date)))
        contacts = tables.select("contacts", "contact_id = ?", [contact_id])
        contact = contacts[0] if contacts else None
        own_events = by_id(tables.select("consent_events", "contact_id = ?", [contact_id]),
                           "event_id")
        bookings = sorted(tables.select("booking_links", "contact_id = ?", [contact_id]),
                          key=lambda booking: booking["booking_id"])
        rows = retention_rows(tables, contact_id, bookings, own_events)
        intro = contact_intro(contact_id, contact, rows.get(("contact", contact_id), []),
                              tables, voice, held)
        sections = marketing_sections(contact, contact_id, tables, voice)
        sections += [
            booking_section(b, rows.get(("booking", b["booking_id"]), []), tables, voice, held)
            for b in bookings
        ]
        event_rows = [row for (kind, _), kind_rows in rows.items() if kind == "consent_event"
                      for row in kind_rows]
        sections.append(events_section(event_rows, own_events, tables, voice, held))
    return letter(run, voice, intro, sections)


def contact_intro(contact_id: str, contact: Row | None, rows: list[Row],
                  tables: ExplainTables, voice: Voice, held: bool) -> list[str]:
    """Who the contact is and how long it is kept (R6/R7), or that the CRM no longer has it."""
    if contact is None:
        return [voice.say("who.contact_gone", contact_id=contact_id)]
    intro = contact_sentences(contact, voice)
    subject = voice.say("subject.contact")
    return intro + [
        retention_sentence(row, subject, contact_why(row, tables, voice), voice, held=held)
        for row in rows
    ]


def marketing_sections(contact: Row | None, contact_id: str, tables: ExplainTables,
                       voice: Voice) -> list[Section]:
    """M1–M10 for the contact's CRM e-mail and phone, one section per channel."""
    if contact is None:
        return []
    addresses = {("email", contact.get("email")), ("sms", contact.get("phone"))}
    decisions = [
        decision
        for decision in tables.select_in(
            "address_decisions", "address", [address for _, address in addresses]
        )
        if (decision["channel"], decision["address"]) in addresses
    ]
    events = events_of(decisions, tables)
    return [
        Section(
            voice.say("title.marketing", channel=voice.say(f"channel.{channel}")),
            marketing_bullets([d for d in decisions if d["channel"] == channel], events,
                              {contact_id}, voice),
        )
        for channel in CHANNELS
    ]


def retention_rows(tables: ExplainTables, contact_id: str, bookings: list[Row],
                   own_events: dict[str, Row]) -> dict[tuple[str, str], list[Row]]:
    """(subject_type, subject_id) → its fct_retention_deadlines rows, minimising before
    deleting: the contact, each of its bookings and each of its consent events."""
    subjects = {
        ("contact", contact_id),
        *(("booking", booking["booking_id"]) for booking in bookings),
        *(("consent_event", event_id) for event_id in own_events),
    }
    rows = tables.select_in("retention_deadlines", "subject_id", [s for _, s in subjects])
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in sorted(rows, key=lambda r: (r["subject_id"], ACTION_ORDER.index(r["action"]))):
        subject = (row["subject_type"], row["subject_id"])
        if subject in subjects:
            grouped.setdefault(subject, []).append(row)
    return grouped


def events_section(rows: list[Row], events: dict[str, Row], tables: ExplainTables,
                   voice: Voice, held: bool) -> Section:
    """R10: the contact's consent events; when every one stands alike, that is said once."""
    title = voice.say("title.consent_events")

    def sentence(row: Row, subject: str) -> str:
        return retention_sentence(row, subject, event_why(row, tables, voice), voice, held=held)

    alike = {sentence(row, voice.say("subject.every_event")) for row in rows}
    if len(rows) > 1 and len(alike) == 1:
        items = [
            voice.say("event.item", event_id=row["subject_id"],
                      event=event_words(events[row["subject_id"]], voice))
            for row in rows
        ]
        return Section(title, items, lead=alike.pop())
    return Section(title, [
        sentence(row, voice.say("subject.event", event_id=row["subject_id"],
                                event=event_words(events[row["subject_id"]], voice)))
        for row in rows
    ])


# ---------------------------------------------------------------------------- a booking


def explain_booking(run: PublishedRun, typed: str, voice: Voice) -> Explanation:
    """A booking's link to its contact (R9) and its R3/R4/R5 deadlines, with what keeps it."""
    with ExplainTables(run, voice) as tables:
        booking_id = one_id(typed, tables.ids_like("retention_deadlines", "subject_id", typed,
                                                   "subject_type = 'booking'"), voice)
        if booking_id is None:
            raise UnknownSubject(voice.say(
                "error.unknown_booking", booking_id=typed, run_date=voice.date(run.run_date)))
        rows = tables.select(
            "retention_deadlines", "subject_type = 'booking' and subject_id = ?", [booking_id]
        )
        links = tables.select("booking_links", "booking_id = ?", [booking_id])
        booking = links[0] if links else {"booking_id": booking_id}
        rows.sort(key=lambda row: ACTION_ORDER.index(row["action"]))
        section = booking_section(booking, rows, tables, voice, run.is_deletion_list_held)
    return letter(run, voice, [], [section])


def booking_section(booking: Row, rows: list[Row], tables: ExplainTables, voice: Voice,
                    held: bool) -> Section:
    """How a booking found its contact (R9), then each of its deadlines (R3–R5)."""
    subject = voice.say("subject.booking")
    return Section(
        voice.say("title.booking", booking_id=booking["booking_id"]),
        [link_sentence(booking, voice)] + [
            retention_sentence(row, subject, booking_why(row, booking, tables, voice), voice,
                               held=held)
            for row in rows
        ],
    )


# ---------------------------------------------------------------------------- helpers


def one_id(typed: str, ids: set[str], voice: Voice) -> str | None:
    """The id asked for whatever its case (`c1` finds `C1`); an exact match wins, and ids that
    differ only by case are refused rather than guessed."""
    if typed in ids:
        return typed
    if len(ids) > 1:
        raise UnknownSubject(
            voice.say("error.ambiguous_id", typed=typed, ids=voice.join(sorted(ids))))
    return next(iter(ids), None)


def by_id(rows: list[Row], key: str) -> dict[str, Row]:
    return {row[key]: row for row in rows}


def events_of(decisions: list[Row], tables: ExplainTables) -> dict[str, Row]:
    """The consent events the decisions cite as evidence."""
    ids = [d["evidence_id"] for d in decisions if d["evidence_type"] == "consent_event"]
    return by_id(tables.select_in("consent_events", "event_id", ids), "event_id")
