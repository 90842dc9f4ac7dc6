"""Explain every decision about one subject in words a privacy officer can forward ("Explain").

An address, a contact id or a booking id is looked up in a published run, never in the
disposable warehouse: `publish.LISTS` writes the tables needed here, internal and owner-only,
under `<D>/explain/`. Each kind of decision has one sentence function; the wording of every
sentence lives in TEMPLATES and the word tables under it, and nothing here reads the clock: the
same run gives the same explanation.

An address is normalised the way the rules do it (RULES.md "Address"), by running the dbt
macros `normalize_email` and `normalize_phone` through DuckDB, so `explain` and the models can
never disagree about what one address is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Self

from hygiene.errors import HygieneError
from hygiene.runs import PublishedRun
from hygiene.sql_macros import normalize_address

Row = dict[str, str | None]

EXPLAIN_FOLDER = "explain"
# The tables `publish.LISTS` writes under `<D>/explain/` (file name → what it holds).
TABLE_FILES = {
    "address_decisions": "address_decisions.csv",  # marts.fct_address_decisions
    "retention_deadlines": "retention_deadlines.csv",  # marts.fct_retention_deadlines
    "contacts": "contacts.csv",  # contact_id → normalised email, phone; customer_status
    "booking_links": "booking_links.csv",  # booking_id → contact_id, link_method; R3–R5 dates
    "consent_events": "consent_events.csv",  # event_id → contact_id, what, when, proof (M4)
    "retention_policy": "retention_policy.csv",  # the periods the run used (R3–R10)
}

# ---------------------------------------------------------------------------- the wording

TEMPLATES = {
    # ---------- marketing (M1–M10): one address × channel × purpose
    "consent": (
        "For {what}, {address} {may_send}: consent given on {since} ({evidence}, {proof}; "
        "rule M4)."
    ),
    "soft_opt_in": (
        "For {what}, {address} {may_send}: soft opt-in as the booker of {evidence}, confirmed on "
        "{since}, whose booking form offered a clear, free opt-out (rule M2: own, similar travel "
        "products only; it ends with an objection or when the booking data is due for deletion)."
    ),
    "objected": (
        "For {what}, {address} is suppressed since {since}: the person objected ({evidence}; "
        "rule M5). An objection is absolute (GDPR art. 21(3))."
    ),
    "withdrawn": (
        "For {what}, {address} is suppressed since {since}: the person withdrew consent "
        "({evidence}; rule M5). Only a later, provable consent restores it."
    ),
    "unsubscribed": (
        "For {what}, {address} is suppressed since {since}: the person unsubscribed in the mail "
        "tool ({evidence}; rule M7: an unsubscribe is an objection). An objection is absolute "
        "(GDPR art. 21(3))."
    ),
    "remembered": (
        "For {what}, {address} is suppressed since {since}: the person {stopped}, as an earlier "
        "published suppression list records; that event is no longer in the extracts, but a "
        "suppression is never forgotten (rule M8). Only a later, provable consent lifts it."
    ),
    "tombstone": (
        "For {what}, {address} is suppressed since {since}: it matches the keyed-hash record "
        "(tombstone) kept when a contact who {stopped} was deleted (rule M10). Only a later, "
        "provable consent lifts it."
    ),
    "invalid_proof": (
        "For {what}, {address} is suppressed since {since}: the only consent on record "
        "({evidence}) cannot be proven, as it lacks a proof reference or the wording shown "
        "(rule M4). Without provable consent there is no basis to send."
    ),
    "no_basis": (
        "For {what}, {address} is suppressed: there is neither a provable consent nor a soft "
        "opt-in (rule M9: an address without a basis is not sent to).{partner_note}"
    ),
    "partner_note": " Soft opt-in never covers partners' products (M2).",
    # ---------- retention (R3–R10): why a subject × action has its date
    "R3": (
        "{period} after the trip ended on {travel_end}, the complaint period of the travel "
        "conditions"
    ),
    "R4": (
        "{period_adjective} fiscal retention under {legal_basis}, counted from the end of book "
        "year {book_year}"
    ),
    "R5": (
        "never confirmed: {period} after the quote or option was made on {booked_on}; a policy "
        "choice"
    ),
    "R6": (
        "a customer is deleted on the date its last booking is due for deletion, when it has no "
        "consent in force"
    ),
    "R6_open": (
        "a customer is deleted once every one of its bookings is due for deletion, and not "
        "while consent is in force; not all of its bookings are due yet"
    ),
    "R7": (
        "a prospect without consent in force is deleted {period} after its last activity, or "
        "{objection_period} after its own withdrawal or objection; a policy choice"
    ),
    "R10": (
        "consent evidence is kept {period} after the contact's latest consent event or its own "
        "deletion date, whichever is later, so that past mailings can be defended within the "
        "ACM's fining limitation period (Awb art. 5:45); a policy choice"
    ),
    "R10_open": (
        "consent evidence is kept {period} after the contact's own deletion date, and that date "
        "is not set yet"
    ),
    # ---------- retention: where a deadline stands on D
    "due": (
        "{subject} is due for {action} since {due} (rule {rule}: {why}); it is on the deletion "
        "list of {run_date}{held}."
    ),
    "held": ", which is held for a person's approval (G2)",
    "kept": (
        "{subject} would be due for {action} since {due} (rule {rule}: {why}), but it is kept "
        "by {kept}."
    ),
    "later": "{subject} is due for {action} on {due} (rule {rule}: {why}).",
    "later_kept": (
        "{subject} is due for {action} on {due} (rule {rule}: {why}); it is also kept for now "
        "by {kept}."
    ),
    "no_date": "{subject} has no date for {action} yet (rule {rule}: {why}).",
    "no_date_kept": (
        "{subject} has no date for {action} yet (rule {rule}: {why}); it is also kept for now "
        "by {kept}."
    ),
    # ---------- retention: what keeps a subject (kept_by)
    "R1": (
        "a legal hold (rule R1: an open complaint, dispute or claim exempts the contact and its "
        "bookings)"
    ),
    "R2": (
        "ongoing travel (rule R2: a trip returning, or departing, on or after {run_date} keeps "
        "the booking and its contact)"
    ),
    "R8": (
        "consent in force (rule R8: one of the contact's addresses has provable consent, which "
        "keeps the profile and its consent evidence)"
    ),
    # ---------- links (R9), owners and headings
    "linked_by_contact_id": (
        "Booking {booking_id} belongs to contact {contact_id} (by its contact_id)."
    ),
    "linked_by_booker_email": (
        "Booking {booking_id} belongs to contact {contact_id} (its booker e-mail matches exactly "
        "that contact)."
    ),
    "unlinked": (
        "Booking {booking_id} is linked to no CRM contact (rule R9: it follows R3–R5 by its "
        "booking id and is reported as unlinked)."
    ),
    "contact": "Contact {contact_id} is a {customer_status} with {addresses}.",
    "contact_gone": (
        "Contact {contact_id} is no longer in the CRM extract; its consent events are kept "
        "(rule R10)."
    ),
    "address_owner": (
        "{address} is an address of contact {contact_id} ({customer_status}). Its retention: "
        "python -m hygiene explain --contact-id {contact_id}"
    ),
    "address_no_owner": (
        "{address} is no CRM contact's own address; it is known from a booking or a mail-tool "
        "unsubscribe."
    ),
    "address_event_contacts": (
        "The consent events deciding it are of {contacts}: a withdrawal or objection "
        "also covers the addresses a contact gave with its bookings (M2(d), M5)."
    ),
    "normalised": "(You typed {typed!r}; the rules read it as {address}.)",
    "run": (
        "Run of {run_date} (policy {policy_version}, code {code_version}), explained from "
        "{folder}"
    ),
}

CHANNEL_WORDS = {"email": "e-mail", "sms": "SMS", "all": "every channel"}
PURPOSE_WORDS = {
    "newsletter": "newsletters",
    "offers": "offers of own travel products",
    "partner_offers": "offers of partners' products",
    "all": "every purpose",
}
MAY_SEND = {"email": "may be mailed", "sms": "may be sent text messages"}
ACTION_WORDS = {
    "delete": "deletion",
    "minimize": "minimisation of its travellers, special requests and preferences",
}
EVENT_WORDS = {"grant": "consent given", "withdraw": "consent withdrawn", "object": "objection"}
STOP_WORDS = {"objected": "objected", "withdrawn": "withdrew consent"}
SUBJECT_ORDER = {"contact": 0, "booking": 1, "consent_event": 2}
ACTION_ORDER = {"minimize": 0, "delete": 1}
PURPOSE_ORDER = {"newsletter": 0, "offers": 1, "partner_offers": 2}
NUMBER_WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 10: "ten", 11: "eleven", 12: "twelve",
}
# The policy keys (retention_policy seed) whose period a rule's sentence names.
PERIOD_KEYS = {
    "R3": "minimize_after_travel_end",
    "R4": "fiscal_retention_after_book_year",
    "R5": "unconfirmed_booking_retention",
    "R7": "prospect_inactivity_retention",
    "R7_objection": "prospect_retention_after_objection",
    "R10": "consent_evidence_retention",
}


class UnknownSubject(HygieneError):
    """The address, contact or booking asked about is not in the published run."""


class ExplainTablesMissing(HygieneError):
    """The run was published without the `explain/` tables."""


@dataclass(frozen=True)
class Explanation:
    heading: str
    sections: list[tuple[str, list[str]]]  # (title, sentences)

    def lines(self) -> list[str]:
        lines = [self.heading]
        for title, sentences in self.sections:
            if sentences:
                lines += ["", f"{title}:"] + [f"- {sentence}" for sentence in sentences]
        return lines


# ---------------------------------------------------------------------------- addresses


# ---------------------------------------------------------------------------- the tables


class ExplainTables:
    """The `explain/` tables of one published run, read with DuckDB (filtered, not loaded)."""

    def __init__(self, run: PublishedRun):
        import duckdb

        self.run = run
        self.folder = run.folder / EXPLAIN_FOLDER
        missing = [name for name in TABLE_FILES.values() if not (self.folder / name).is_file()]
        if missing:
            raise ExplainTablesMissing(
                f"The run of {run.run_date} in {run.folder} has no explain tables "
                f"({', '.join(missing)} missing under {EXPLAIN_FOLDER}/): it was published before "
                f"`explain` existed. Rerun it (`make run DATE={run.run_date}`) to add them."
            )
        self._connection = duckdb.connect()
        self._policy = {row["policy_key"]: row for row in self.select("retention_policy")}

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def select(self, table: str, where: str = "true", params: Sequence = ()) -> list[Row]:
        path = str(self.folder / TABLE_FILES[table]).replace("'", "''")
        result = self._connection.execute(
            f"select * from read_csv('{path}', header = true, delim = ',', quote = '\"', "
            f"all_varchar = true) where {where}",
            list(params),
        )
        columns = [column[0] for column in result.description]
        return [dict(zip(columns, values)) for values in result.fetchall()]

    def select_in(self, table: str, column: str, values: Iterable[str]) -> list[Row]:
        values = sorted({value for value in values if value})
        if not values:
            return []
        return self.select(table, f"{column} in ({', '.join('?' for _ in values)})", values)

    def period(self, key: str, adjective: bool = False) -> str:
        """A policy period in words: "two years" (or "two-year"); the run's own policy."""
        row = self._policy.get(PERIOD_KEYS[key])
        try:
            amount = Decimal(row["amount"]) if row else None
        except InvalidOperation:
            amount = None
        if amount is None or row["unit"] not in ("years", "months", "days"):
            return "the policy's period"
        number = int(amount) if amount == amount.to_integral_value() else amount.normalize()
        words = NUMBER_WORDS.get(number, str(number)) if isinstance(number, int) else str(number)
        unit = row["unit"]
        if adjective:
            return f"{words}-{unit.removesuffix('s')}"
        return f"{words} {unit.removesuffix('s') if number == 1 else unit}"

    def legal_basis(self, key: str) -> str:
        row = self._policy.get(PERIOD_KEYS[key])
        return row["legal_basis"] if row and row["legal_basis"] else "policy choice"


# ---------------------------------------------------------------------------- marketing sentences


def _what(decision: Row) -> str:
    return f"{CHANNEL_WORDS[decision['channel']]} {PURPOSE_WORDS[decision['purpose']]}"


def _event_evidence(event_id: str | None, events: dict[str, Row]) -> str:
    if not event_id:
        return "no event id on record"
    event = events.get(event_id)
    if event and event.get("contact_id"):
        return f"event {event_id} of contact {event['contact_id']}"
    return f"event {event_id}"


def _proof(event: Row | None) -> str:
    if event and event.get("proof_ref"):
        version = event.get("consent_text_version")
        return f"proof {event['proof_ref']}" + (f", consent text {version}" if version else "")
    return "proof recorded"


def consent_sentence(decision: Row, events: dict[str, Row]) -> str:
    """M1/M4: a provable grant is the latest word."""
    return TEMPLATES["consent"].format(
        what=_what(decision),
        address=decision["address"],
        may_send=MAY_SEND[decision["channel"]],
        since=decision["since"],
        evidence=_event_evidence(decision["evidence_id"], events),
        proof=_proof(events.get(decision["evidence_id"] or "")),
    )


def soft_opt_in_sentence(decision: Row) -> str:
    """M2: the booker of a binding agreement, opt-out offered, data not due for deletion."""
    return TEMPLATES["soft_opt_in"].format(
        what=_what(decision),
        address=decision["address"],
        may_send=MAY_SEND[decision["channel"]],
        evidence=f"booking {decision['evidence_id']}",
        since=decision["since"],
    )


def stop_sentence(decision: Row, events: dict[str, Row]) -> str:
    """M5, M7, M8, M10: an objection or withdrawal, wherever it was recorded."""
    rule, reason = decision["rule"], decision["reason"]
    fields = {
        "what": _what(decision),
        "address": decision["address"],
        "since": decision["since"],
        "stopped": STOP_WORDS.get(reason, reason),
    }
    if rule == "M7":
        return TEMPLATES["unsubscribed"].format(
            **fields, evidence=f"unsubscribe {decision['evidence_id'] or 'without id'}"
        )
    if rule == "M8":
        return TEMPLATES["remembered"].format(**fields)
    if rule == "M10":
        return TEMPLATES["tombstone"].format(**fields)
    evidence = _event_evidence(decision["evidence_id"], events)
    return TEMPLATES["objected" if reason == "objected" else "withdrawn"].format(
        **fields, evidence=evidence
    )


def invalid_proof_sentence(decision: Row, events: dict[str, Row]) -> str:
    """M4: only an unprovable grant is on record."""
    return TEMPLATES["invalid_proof"].format(
        what=_what(decision),
        address=decision["address"],
        since=decision["since"],
        evidence=_event_evidence(decision["evidence_id"], events),
    )


def no_basis_sentence(decision: Row) -> str:
    """M9: no consent and no soft opt-in; fail closed."""
    partner_note = TEMPLATES["partner_note"] if decision["purpose"] == "partner_offers" else ""
    return TEMPLATES["no_basis"].format(
        what=_what(decision), address=decision["address"], partner_note=partner_note
    )


def decision_sentence(decision: Row, events: dict[str, Row]) -> str:
    """The sentence for one row of fct_address_decisions."""
    if decision["basis"] == "consent":
        return consent_sentence(decision, events)
    if decision["basis"] == "soft_opt_in":
        return soft_opt_in_sentence(decision)
    if decision["reason"] in ("objected", "withdrawn"):
        return stop_sentence(decision, events)
    if decision["reason"] == "invalid_proof":
        return invalid_proof_sentence(decision, events)
    return no_basis_sentence(decision)


# ---------------------------------------------------------------------------- retention sentences


def _kept(rule: str, run_date: str) -> str:
    return TEMPLATES[rule].format(run_date=run_date) if rule in ("R1", "R2", "R8") else rule


def _retention_sentence(row: Row, subject: str, why: str, run: PublishedRun) -> str:
    """One deadline, worded by where it stands on D: due, kept, later, or not dated yet."""
    due, kept_by = row["due_date"], row["kept_by"]
    fields = {
        "subject": subject,
        "action": ACTION_WORDS[row["action"]],
        "due": due,
        "rule": row["rule"],
        "why": why,
        "run_date": run.run_date,
        "kept": _kept(kept_by, run.run_date) if kept_by else "",
        "held": TEMPLATES["held"] if run.is_deletion_list_held else "",
    }
    if row["is_due"] == "true":
        template = "due"
    elif not due:
        template = "no_date_kept" if kept_by else "no_date"
    elif kept_by and due <= run.run_date:
        template = "kept"
    else:
        template = "later_kept" if kept_by else "later"
    return TEMPLATES[template].format(**fields)


def minimize_sentence(row: Row, booking: Row | None, tables: ExplainTables) -> str:
    """R3: travellers, requests and preferences of a binding agreement, after the trip."""
    why = TEMPLATES["R3"].format(
        period=tables.period("R3"), travel_end=(booking or {}).get("travel_ends_on") or "?"
    )
    return _retention_sentence(row, f"Booking {row['subject_id']}", why, tables.run)


def booking_delete_sentence(row: Row, booking: Row | None, tables: ExplainTables) -> str:
    """R4 (fiscal term of a binding agreement) or R5 (never confirmed)."""
    booking = booking or {}
    if row["rule"] == "R4":
        why = TEMPLATES["R4"].format(
            period_adjective=tables.period("R4", adjective=True),
            legal_basis=tables.legal_basis("R4"),
            book_year=booking.get("book_year") or "?",
        )
    else:
        why = TEMPLATES["R5"].format(
            period=tables.period("R5"), booked_on=booking.get("booked_on") or "?"
        )
    return _retention_sentence(row, f"Booking {row['subject_id']}", why, tables.run)


def contact_delete_sentence(row: Row, contact: Row | None, tables: ExplainTables) -> str:
    """R6 (customer) or R7 (prospect)."""
    if row["rule"] == "R6":
        why = TEMPLATES["R6" if row["due_date"] else "R6_open"]
    else:
        why = TEMPLATES["R7"].format(
            period=tables.period("R7"), objection_period=tables.period("R7_objection")
        )
    status = (contact or {}).get("customer_status") or (
        "customer" if row["rule"] == "R6" else "prospect"
    )
    subject = f"Contact {row['subject_id']} (a {status})"
    return _retention_sentence(row, subject, why, tables.run)


def consent_event_delete_sentence(row: Row, event: Row | None, tables: ExplainTables) -> str:
    """R10: the consent evidence, kept to defend past mailings, and no longer."""
    why = TEMPLATES["R10" if row["due_date"] else "R10_open"].format(period=tables.period("R10"))
    subject = f"Consent event {row['subject_id']}"
    if event:
        action = EVENT_WORDS.get(event["action"], event["action"])
        scope = _scope(event["channel"], event["purpose"])
        subject += f" ({action} for {scope} on {event['occurred_on']})"
    return _retention_sentence(row, subject, why, tables.run)


def _scope(channel: str, purpose: str) -> str:
    """What an event covers, `all` included: "e-mail newsletters", "every purpose by SMS"."""
    channel_words = CHANNEL_WORDS.get(channel, channel)
    purpose_words = PURPOSE_WORDS.get(purpose, purpose)
    if channel == "all":
        return f"{purpose_words} on every channel"
    if purpose == "all":
        return f"every purpose by {channel_words}"
    return f"{channel_words} {purpose_words}"


def link_sentence(booking_id: str, booking: Row | None) -> str:
    """R9: how a booking found its contact, or that it found none."""
    if not booking or booking.get("link_method") == "unlinked" or not booking.get("contact_id"):
        return TEMPLATES["unlinked"].format(booking_id=booking_id)
    template = f"linked_by_{booking['link_method']}"
    return TEMPLATES.get(template, TEMPLATES["linked_by_contact_id"]).format(
        booking_id=booking_id, contact_id=booking["contact_id"]
    )


def retention_sentences(rows: list[Row], tables: ExplainTables) -> list[str]:
    """Sentences for fct_retention_deadlines rows, contacts first, then bookings, then events."""
    by_subject = retention_by_subject(rows, tables)
    return [sentence for sentences in by_subject.values() for sentence in sentences]


def retention_by_subject(
    rows: list[Row], tables: ExplainTables
) -> dict[tuple[str, str], list[str]]:
    """(subject_type, subject_id) → its sentences, in the order contacts, bookings, events."""
    rows = sorted(
        rows,
        key=lambda r: (
            SUBJECT_ORDER[r["subject_type"]], r["subject_id"], ACTION_ORDER[r["action"]]
        ),
    )
    ids = {
        kind: {r["subject_id"] for r in rows if r["subject_type"] == kind} for kind in SUBJECT_ORDER
    }
    contacts = _by(tables.select_in("contacts", "contact_id", ids["contact"]), "contact_id")
    bookings = _by(tables.select_in("booking_links", "booking_id", ids["booking"]), "booking_id")
    events = _by(tables.select_in("consent_events", "event_id", ids["consent_event"]), "event_id")
    sentences: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        subject_id = row["subject_id"]
        if row["subject_type"] == "contact":
            sentence = contact_delete_sentence(row, contacts.get(subject_id), tables)
        elif row["subject_type"] == "consent_event":
            sentence = consent_event_delete_sentence(row, events.get(subject_id), tables)
        elif row["action"] == "minimize":
            sentence = minimize_sentence(row, bookings.get(subject_id), tables)
        else:
            sentence = booking_delete_sentence(row, bookings.get(subject_id), tables)
        sentences.setdefault((row["subject_type"], subject_id), []).append(sentence)
    return sentences


# ---------------------------------------------------------------------------- subjects


def explain_address(run: PublishedRun, typed: str) -> Explanation:
    """Every marketing decision about one address (M1–M10), and whose address it is."""
    channel, address = normalize_address(typed)
    if address is None:
        kind = {
            "email": "e-mail address",
            "sms": "phone number (nor, without @, an e-mail address)",
        }[channel]
        raise UnknownSubject(
            f"{typed!r} is not a valid {kind} (RULES.md \"Address\"): an invalid value is never "
            "sent to, so no decision is made about it. Check the spelling."
        )
    with ExplainTables(run) as tables:
        decisions = tables.select(
            "address_decisions", "channel = ? and address = ?", [channel, address]
        )
        column = "email" if channel == "email" else "phone"
        owners = tables.select("contacts", f"{column} = ?", [address])
        if not decisions and not owners:
            raise UnknownSubject(
                f"{address} is not in the run of {run.run_date}: no contact, booking or mail-tool "
                "unsubscribe has this address. (An address of a deleted contact who objected is "
                "kept only as a keyed hash, M10, and cannot be looked up.)"
            )
        events = _events_of(decisions, tables)
        sentences = [decision_sentence(d, events) for d in _sorted_decisions(decisions)]
    about = [
        TEMPLATES["address_owner"].format(
            address=address, contact_id=o["contact_id"], customer_status=o["customer_status"]
        )
        for o in sorted(owners, key=lambda o: o["contact_id"])
    ]
    if not about:
        about = [TEMPLATES["address_no_owner"].format(address=address)]
        contact_ids = sorted({e["contact_id"] for e in events.values() if e.get("contact_id")})
        if contact_ids:
            about.append(
                TEMPLATES["address_event_contacts"].format(
                    contacts=("contact " if len(contact_ids) == 1 else "contacts ")
                    + ", ".join(contact_ids)
                )
            )
    if typed != address:
        about.insert(0, TEMPLATES["normalised"].format(typed=typed, address=address))
    return Explanation(
        _heading(run),
        [(f"Marketing to {address} ({CHANNEL_WORDS[channel]})", sentences), ("Who", about)],
    )


def explain_contact(run: PublishedRun, contact_id: str) -> Explanation:
    """A contact's addresses' decisions, its own retention, its bookings' and consent events'."""
    with ExplainTables(run) as tables:
        contacts = tables.select("contacts", "contact_id = ?", [contact_id])
        own_events = tables.select("consent_events", "contact_id = ?", [contact_id])
        if not contacts and not own_events:
            raise UnknownSubject(
                f"Contact {contact_id} is not in the run of {run.run_date}: not in the CRM "
                "extract, and no consent event names it. Check the id (ids are case-sensitive)."
            )
        contact = contacts[0] if contacts else {}
        addresses = {("email", contact.get("email")), ("sms", contact.get("phone"))}
        decisions = [
            decision
            for decision in tables.select_in(
                "address_decisions", "address", [address for _, address in addresses]
            )
            if (decision["channel"], decision["address"]) in addresses
        ]
        events = _events_of(decisions, tables)
        marketing = [decision_sentence(d, events) for d in _sorted_decisions(decisions)]
        bookings = sorted(
            tables.select("booking_links", "contact_id = ?", [contact_id]),
            key=lambda b: b["booking_id"],
        )
        subjects = {
            ("contact", contact_id),
            *(("booking", b["booking_id"]) for b in bookings),
            *(("consent_event", e["event_id"]) for e in own_events),
        }
        rows = [
            row
            for row in tables.select_in(
                "retention_deadlines", "subject_id", [subject_id for _, subject_id in subjects]
            )
            if (row["subject_type"], row["subject_id"]) in subjects
        ]
        by_subject = retention_by_subject(rows, tables)
    who = [
        TEMPLATES["contact"].format(
            contact_id=contact_id,
            customer_status=contact.get("customer_status") or "contact",
            addresses=_address_words(contact),
        )
        if contact
        else TEMPLATES["contact_gone"].format(contact_id=contact_id)
    ]
    booking_sentences = [
        sentence
        for booking in bookings
        for sentence in [link_sentence(booking["booking_id"], booking)]
        + by_subject.get(("booking", booking["booking_id"]), [])
    ]
    event_sentences = [
        sentence
        for (kind, _), sentences in by_subject.items()
        if kind == "consent_event"
        for sentence in sentences
    ]
    return Explanation(
        _heading(run),
        [
            ("Who", who),
            ("Marketing to its addresses", marketing),
            ("Retention of the contact", by_subject.get(("contact", contact_id), [])),
            ("Its bookings", booking_sentences),
            ("Its consent events (evidence, R10)", event_sentences),
        ],
    )


def explain_booking(run: PublishedRun, booking_id: str) -> Explanation:
    """A booking's link to its contact (R9) and its R3/R4/R5 deadlines, with what keeps it."""
    with ExplainTables(run) as tables:
        rows = tables.select(
            "retention_deadlines", "subject_type = 'booking' and subject_id = ?", [booking_id]
        )
        if not rows:
            raise UnknownSubject(
                f"Booking {booking_id} is not in the run of {run.run_date}: the bookings extract "
                "has no such booking, quote or option. Check the id (they are case-sensitive)."
            )
        links = tables.select("booking_links", "booking_id = ?", [booking_id])
        sentences = [link_sentence(booking_id, links[0] if links else None)]
        sentences += retention_sentences(rows, tables)
    return Explanation(_heading(run), [(f"Booking {booking_id}", sentences)])


def explain(run: PublishedRun, *, address: str | None = None, contact_id: str | None = None,
            booking_id: str | None = None) -> Explanation:
    """The explanation for exactly one of an address, a contact id or a booking id."""
    if address is not None:
        return explain_address(run, address)
    if contact_id is not None:
        return explain_contact(run, contact_id.strip())
    if booking_id is not None:
        return explain_booking(run, booking_id.strip())
    raise UnknownSubject("Give an --address, a --contact-id or a --booking-id to explain.")


# ---------------------------------------------------------------------------- helpers


def _heading(run: PublishedRun) -> str:
    return TEMPLATES["run"].format(
        run_date=run.run_date,
        policy_version=run.manifest.get("policy_version", "?"),
        code_version=run.manifest.get("code_version", "?"),
        folder=Path(run.folder),
    )


def _by(rows: list[Row], key: str) -> dict[str, Row]:
    return {row[key]: row for row in rows}


def _events_of(decisions: list[Row], tables: ExplainTables) -> dict[str, Row]:
    ids = [d["evidence_id"] for d in decisions if d["evidence_type"] == "consent_event"]
    return _by(tables.select_in("consent_events", "event_id", ids), "event_id")


def _sorted_decisions(decisions: list[Row]) -> list[Row]:
    return sorted(
        decisions, key=lambda d: (d["channel"], PURPOSE_ORDER.get(d["purpose"], 9), d["address"])
    )


def _address_words(contact: Row) -> str:
    email = f"e-mail {contact['email']}" if contact.get("email") else "no valid e-mail address"
    phone = f"phone {contact['phone']}" if contact.get("phone") else "no valid phone number"
    return f"{email} and {phone}"
