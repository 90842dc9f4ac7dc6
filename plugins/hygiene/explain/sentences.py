"""The sentences of `explain`: each function picks a message of `words.MESSAGES` and fills it.

No wording lives here, so Dutch and English can never say different things: a sentence function
decides which message fits a row (consent or objection, due or kept, past or future) and which
facts go in, and `Voice` fills the message in the reader's language. Nothing reads the clock:
"past" means on or before D, the run's date, so the same run always gives the same letter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from hygiene.explain.tables import ExplainTables, Period, Row
from hygiene.explain.words import catalogue

PURPOSES = ("newsletter", "offers", "partner_offers")
KEPT_RULES = ("R1", "R2", "R8")


@dataclass
class Voice:
    """One letter's words (its language) and D, and what the letter has said so far.

    A rule's explanation and a closing note are said the first time a letter needs them; after
    that the rule is cited by its key alone, so a letter never repeats a paragraph per row.
    """

    words: dict[str, str]
    run_date: str
    language: str
    repeats: dict[str, str] = field(default_factory=dict)  # said once → what a repeat says
    said: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, language: str, run_date: str) -> Voice:
        return cls(catalogue(language), run_date, language)

    def say(self, key: str, **fields) -> str:
        return self.words[key].format(**fields)

    def date(self, iso: str | None) -> str:
        """A date as a person reads it: "3 maart 2026", "3 March 2026"."""
        if not iso:
            return self.say("date.unknown")
        day = date.fromisoformat(iso)
        month = self.words["months"].split()[day.month - 1]
        return self.say("date", day=day.day, month=month, year=day.year)

    def is_past(self, iso: str) -> bool:
        """On or before D: the night's run is made after D has ended, so D itself is past."""
        return iso <= self.run_date

    def period(self, period: Period | None) -> str:
        """"twee jaar", "twelve months", "30 days": numbers up to twelve in words."""
        if period is None:
            return self.say("period.unknown")
        numbers = self.words["numbers"].split()
        whole = isinstance(period.amount, int) and 1 <= period.amount <= len(numbers)
        number = numbers[period.amount - 1] if whole else str(period.amount)
        unit = f"unit.{period.unit}" + (".one" if period.amount == 1 else "")
        return self.say("period", number=number, unit=self.say(unit))

    def rule(self, rule: str, text: str) -> str:
        """A rule's key with the facts of this row: "(R4: seven years … book year 2023)"."""
        return self.say("cite", rule=rule, why=text)

    def cite(self, rule: str, why_key: str, **fields) -> str:
        """A rule's key with its explanation, which a repeat shortens to the key."""
        full = self.rule(rule, self.say(why_key, **fields))
        self.repeats[full] = self.say("cite.short", rule=rule)
        return full

    def note(self, key: str) -> str:
        """A closing remark that a repeat leaves out."""
        full = self.say(key)
        self.repeats[full] = ""
        return full

    def said_once(self, text: str) -> str:
        """`text` with what the letter already said (cites, notes) shortened; call in order."""
        for full, short in self.repeats.items():
            if full in text:
                if full in self.said:
                    text = text.replace(full, short)
                else:
                    head, _, tail = text.partition(full)
                    text = head + full + tail.replace(full, short)
                    self.said.add(full)
        return text

    def join(self, items: Iterable[str]) -> str:
        """"a, b en c" / "a, b and c"."""
        items = list(items)
        if len(items) == 1:
            return items[0]
        return f"{', '.join(items[:-1])} {self.say('and')} {items[-1]}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------- who


def status(customer_status: str | None, voice: Voice) -> str:
    """M3: customer or prospect, with what makes one a customer (said once)."""
    kind = "customer" if customer_status == "customer" else "prospect"
    return f"{voice.say(f'status.{kind}')} {voice.cite('M3', f'why.M3.{kind}')}"


def contacts_words(contact_ids: list[str], voice: Voice) -> str:
    """"contact C2", "de contacten C2 en C5"."""
    kind = "contacts.one" if len(contact_ids) == 1 else "contacts.many"
    return voice.say(kind, ids=voice.join(contact_ids))


def contact_sentences(contact: Row, voice: Voice) -> list[str]:
    """Who a contact is, and whether it has valid addresses, without naming them."""
    def has(channel: str, column: str) -> str:
        return voice.say(f"has.{channel}" if contact.get(column) else f"has.no_{channel}")

    has_any = contact.get("email") or contact.get("phone")
    return [
        voice.say("who.contact", contact_id=contact["contact_id"],
                  status=status(contact.get("customer_status"), voice)),
        voice.say("who.addresses", email=has("email", "email"), phone=has("sms", "phone"),
                  left_out=voice.say("who.addresses_left_out") if has_any else ""),
    ]


# ---------------------------------------------------------------------------- marketing


def purposes_label(purposes: list[str], voice: Voice) -> str:
    """"Nieuwsbrieven", "Nieuwsbrieven en aanbiedingen van eigen reizen", "Alle marketing"."""
    if set(purposes) >= set(PURPOSES):
        return capitalised(voice.say("purpose.all"))
    return capitalised(voice.join(voice.say(f"purpose.{purpose}") for purpose in purposes))


def event_evidence(event_id: str | None, events: dict[str, Row], known: set[str],
                   voice: Voice) -> str:
    """The event that decided; its contact named only when the letter has not named it."""
    if not event_id:
        return voice.say("evidence.no_event")
    contact_id = (events.get(event_id) or {}).get("contact_id")
    if contact_id and contact_id not in known:
        return voice.say("evidence.event_of", event_id=event_id, contact_id=contact_id)
    return voice.say("evidence.event", event_id=event_id)


def proof_words(event: Row | None, voice: Voice) -> str:
    """M4's evidence: the proof reference and the version of the wording shown."""
    if not event or not event.get("proof_ref"):
        return voice.say("proof.recorded")
    if event.get("consent_text_version"):
        return voice.say("proof.text", proof_ref=event["proof_ref"],
                         version=event["consent_text_version"])
    return voice.say("proof", proof_ref=event["proof_ref"])


def stop_text(decision: Row, events: dict[str, Row], known: set[str], voice: Voice) -> str:
    """M5, M7, M8, M10: an objection or withdrawal, wherever it was recorded."""
    rule, reason, since = decision["rule"], decision["reason"], voice.date(decision["since"])
    if rule == "M7":
        unsubscribe = decision["evidence_id"]
        evidence = (voice.say("evidence.unsubscribe", unsubscribe_id=unsubscribe) if unsubscribe
                    else voice.say("evidence.unsubscribe_no_id"))
        return voice.say("decision.unsubscribed", since=since, evidence=evidence,
                         note=voice.note("note.absolute"))
    if rule == "M8":
        return voice.say("decision.remembered", since=since, stopped=voice.say(f"stop.{reason}"),
                         why=voice.cite("M8", "why.M8"), note=voice.note("note.restore"))
    if rule == "M10":
        return voice.say("decision.tombstone", since=since,
                         stopped=voice.say(f"stopped.{reason}"), note=voice.note("note.restore"))
    note = voice.note("note.absolute" if reason == "objected" else "note.restore")
    evidence = event_evidence(decision["evidence_id"], events, known, voice)
    return voice.say(f"decision.{reason}", since=since, evidence=evidence, note=note)


def decision_text(decision: Row, events: dict[str, Row], known: set[str], voice: Voice) -> str:
    """What one row of fct_address_decisions says, without the purpose it is about.

    `known`: the contacts the letter has named already (their events need no owner).
    """
    since = voice.date(decision["since"])
    if decision["basis"] == "consent":
        return voice.say(
            "decision.consent", since=since,
            evidence=event_evidence(decision["evidence_id"], events, known, voice),
            proof=proof_words(events.get(decision["evidence_id"] or ""), voice),
        )
    if decision["basis"] == "soft_opt_in":
        return voice.say("decision.soft_opt_in", since=since, booking_id=decision["evidence_id"],
                         note=voice.note("note.M2"))
    if decision["reason"] in ("objected", "withdrawn"):
        return stop_text(decision, events, known, voice)
    if decision["reason"] == "invalid_proof":
        return voice.say(
            "decision.invalid_proof", since=since, why=voice.cite("M4", "why.M4.unprovable"),
            evidence=event_evidence(decision["evidence_id"], events, known, voice),
        )
    partner = decision["purpose"] == "partner_offers"
    return voice.say("decision.no_basis", why=voice.cite("M9", "why.M9"),
                     note=voice.note("note.partner") if partner else "")


def marketing_bullets(decisions: list[Row], events: dict[str, Row], known: set[str],
                      voice: Voice) -> list[str]:
    """One address's decisions, one bullet per decision: purposes decided alike share a bullet,
    so an objection to all marketing is said once, not once per purpose."""
    ordered = sorted(decisions, key=lambda d: PURPOSES.index(d["purpose"]))
    purposes_by_text: dict[str, list[str]] = {}
    for decision in ordered:
        text = decision_text(decision, events, known, voice)
        purposes_by_text.setdefault(text, []).append(decision["purpose"])
    return [
        voice.say("bullet", label=purposes_label(purposes, voice), text=text)
        for text, purposes in purposes_by_text.items()
    ]


# ---------------------------------------------------------------------------- retention


def kept_words(rule: str, voice: Voice) -> str:
    """R1, R2, R8: what keeps a subject, explained the first time."""
    if rule not in KEPT_RULES:
        return rule
    return f"{voice.say(f'kept.{rule}')} {voice.cite(rule, f'why.{rule}')}"


def retention_state(row: Row, voice: Voice) -> str:
    """Where a deadline stands on D: due (on the list), kept past its date, later, or open.

    Read from the date, as `is_due` is made (due on or before D and not kept), so the tense of
    the sentence and the fact it states cannot disagree.
    """
    kept = "_kept" if row["kept_by"] else ""
    if not row["due_date"]:
        return f"open{kept}"
    if not voice.is_past(row["due_date"]):
        return f"later{kept}"
    return "kept" if kept else "due"


def retention_sentence(row: Row, subject: str, why: str, voice: Voice, *, held: bool) -> str:
    """One deadline of `subject`, in the past tense when its date is past (on or before D)."""
    return voice.say(
        f"retention.{retention_state(row, voice)}",
        subject=subject,
        action=voice.say(f"action.{row['action']}"),
        due=voice.date(row["due_date"]),
        why=why,
        kept=kept_words(row["kept_by"], voice) if row["kept_by"] else "",
        held=voice.say("retention.held") if held else "",
    )


def booking_why(row: Row, booking: Row, tables: ExplainTables, voice: Voice) -> str:
    """R3 (after the trip), R4 (fiscal term of an agreement) or R5 (never confirmed)."""
    rule = row["rule"]
    period = voice.period(tables.period(rule))
    if rule == "R3":
        travel_end = booking.get("travel_ends_on")
        tense = "past" if travel_end and voice.is_past(travel_end) else "future"
        return voice.rule(rule, voice.say(f"why.R3.{tense}", period=period,
                                          travel_end=voice.date(travel_end)))
    if rule == "R4":
        return voice.rule(rule, voice.say("why.R4", period=period,
                                          book_year=booking.get("book_year") or "?"))
    return voice.rule(rule, voice.say("why.R5", period=period,
                                      booked_on=voice.date(booking.get("booked_on"))))


def contact_why(row: Row, tables: ExplainTables, voice: Voice) -> str:
    """R6 (customer) or R7 (prospect)."""
    if row["rule"] == "R6":
        return voice.cite("R6", "why.R6" if row["due_date"] else "why.R6.open")
    return voice.cite("R7", "why.R7", period=voice.period(tables.period("R7")),
                      objection_period=voice.period(tables.period("R7_objection")))


def event_why(row: Row, tables: ExplainTables, voice: Voice) -> str:
    """R10: the consent evidence, kept to defend past mailings, and no longer."""
    return voice.cite("R10", "why.R10" if row["due_date"] else "why.R10.open",
                      period=voice.period(tables.period("R10")))


def event_words(event: Row, voice: Voice) -> str:
    """"bezwaar gemaakt tegen alle marketing per e-mail op 9 september 2025"."""
    purposes = voice.say(f"purpose.{event['purpose']}")
    if event["channel"] == "all":
        scope = voice.say("scope.every_channel", purposes=purposes)
    else:
        scope = voice.say("scope", purposes=purposes, channel=voice.say(f"channel.{event['channel']}"))
    return voice.say("event", action=voice.say(f"event.{event['action']}"), scope=scope,
                     date=voice.date(event["occurred_on"]))


def link_sentence(booking: Row, voice: Voice) -> str:
    """R9: how a booking found its contact, or that it found none."""
    if booking.get("link_method") not in ("contact_id", "booker_email"):
        return voice.say("link.unlinked")
    return voice.say(f"link.{booking['link_method']}", contact_id=booking["contact_id"])
