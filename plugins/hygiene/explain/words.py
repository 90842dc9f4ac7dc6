"""Every sentence `explain` says, in Dutch and in English, side by side.

One entry per message: `{"nl": …, "en": …}` with the same `{fields}` in both, so a translator
sees both wordings at once and a test can prove that neither language lacks one. The sentence
functions (`sentences.py`) only choose a message and fill it; nothing here decides anything.

Naming: `why.<rule>` is a rule's explanation, said in brackets after the rule's key the first
time a letter cites it and as the bare key after that; `note.<name>` is a closing remark said
once per letter; `kept.<rule>` names what keeps a subject; the `retention.<state>` messages are
worded by where a deadline stands on D, so a past date is said in the past tense and a future
date in the future tense.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- the letter
    "heading": {
        "nl": "Deze uitleg komt uit de nacht van {run_date} (beleid {policy_version}, code "
              "{code_version}).",
        "en": "This explanation comes from the night of {run_date} (policy {policy_version}, "
              "code {code_version}).",
    },
    "cite": {"nl": "({rule}: {why})", "en": "({rule}: {why})"},
    "cite.short": {"nl": "({rule})", "en": "({rule})"},
    "bullet": {"nl": "{label}: {text}", "en": "{label}: {text}"},
    "and": {"nl": "en", "en": "and"},
    "date": {"nl": "{day} {month} {year}", "en": "{day} {month} {year}"},
    "date.unknown": {"nl": "een onbekende datum", "en": "an unknown date"},
    "months": {
        "nl": "januari februari maart april mei juni juli augustus september oktober november "
              "december",
        "en": "January February March April May June July August September October November "
              "December",
    },
    "numbers": {
        "nl": "één twee drie vier vijf zes zeven acht negen tien elf twaalf",
        "en": "one two three four five six seven eight nine ten eleven twelve",
    },
    "period": {"nl": "{number} {unit}", "en": "{number} {unit}"},
    "period.unknown": {"nl": "de termijn van het beleid", "en": "the policy's period"},
    "unit.years": {"nl": "jaar", "en": "years"},
    "unit.years.one": {"nl": "jaar", "en": "year"},
    "unit.months": {"nl": "maanden", "en": "months"},
    "unit.months.one": {"nl": "maand", "en": "month"},
    "unit.days": {"nl": "dagen", "en": "days"},
    "unit.days.one": {"nl": "dag", "en": "day"},
    # ---------------------------------------------------------------- who
    "who.normalised": {
        "nl": "Gevraagd naar {typed!r}; volgens de regels is dat {address}.",
        "en": "Asked about {typed!r}; the rules read it as {address}.",
    },
    "who.address_owner": {
        "nl": "{address} is het {address_kind} van contact {contact_id}, {status}; hoe lang het "
              "contact en zijn boekingen bewaard blijven, staat in de uitleg van dat contact.",
        "en": "{address} is the {address_kind} of contact {contact_id}, {status}; how long the "
              "contact and its bookings are kept is in that contact's explanation.",
    },
    "who.address_no_owner": {
        "nl": "{address} is niet het eigen adres van een contact in het CRM; het is bekend van "
              "een boeking of een afmelding in de mailtool.",
        "en": "{address} is no CRM contact's own address; it is known from a booking or a "
              "mail-tool unsubscribe.",
    },
    "who.event_contacts": {
        "nl": "Het besluit volgt uit toestemmingsgebeurtenissen van {contacts}: een intrekking of "
              "bezwaar geldt ook voor de adressen die een contact bij zijn boekingen opgaf (M6).",
        "en": "It is decided by consent events of {contacts}: a withdrawal or objection also "
              "covers the addresses a contact gave with its bookings (M6).",
    },
    "who.contact": {
        "nl": "Contact {contact_id} is {status}.",
        "en": "Contact {contact_id} is {status}.",
    },
    "who.addresses": {
        "nl": "Het contact heeft {email} en {phone}.{left_out}",
        "en": "The contact has {email} and {phone}.{left_out}",
    },
    "who.addresses_left_out": {
        "nl": " De adressen zelf staan niet in deze uitleg; vraag naar een adres voor de uitleg "
              "daarvan.",
        "en": " The addresses themselves are left out of this explanation; ask about an address "
              "for its own.",
    },
    "who.contact_gone": {
        "nl": "Contact {contact_id} staat niet meer in de CRM-export; alleen zijn "
              "toestemmingsgebeurtenissen zijn er nog, als bewijs (R10).",
        "en": "Contact {contact_id} is no longer in the CRM extract; only its consent events "
              "remain, as evidence (R10).",
    },
    "contacts.one": {"nl": "contact {ids}", "en": "contact {ids}"},
    "contacts.many": {"nl": "de contacten {ids}", "en": "contacts {ids}"},
    "status.customer": {"nl": "een klant", "en": "a customer"},
    "status.prospect": {"nl": "een prospect", "en": "a prospect"},
    "why.M3.customer": {
        "nl": "met minstens één boeking die een bindende overeenkomst werd",
        "en": "with at least one booking that became a binding agreement",
    },
    "why.M3.prospect": {
        "nl": "geen boeking werd een bindende overeenkomst, en een aanmelding, account of offerte "
              "maakt niemand klant",
        "en": "no booking became a binding agreement, and a sign-up, an account or a quote makes "
              "no one a customer",
    },
    "has.email": {"nl": "een e-mailadres", "en": "an e-mail address"},
    "has.no_email": {"nl": "geen geldig e-mailadres", "en": "no valid e-mail address"},
    "has.sms": {"nl": "een telefoonnummer", "en": "a phone number"},
    "has.no_sms": {"nl": "geen geldig telefoonnummer", "en": "no valid phone number"},
    "address.email": {"nl": "e-mailadres", "en": "e-mail address"},
    "address.sms": {"nl": "telefoonnummer", "en": "phone number"},
    # ---------------------------------------------------------------- marketing (M1–M10)
    "title.marketing": {"nl": "Marketing per {channel}", "en": "Marketing by {channel}"},
    "title.marketing_to": {
        "nl": "Marketing per {channel} aan {address}",
        "en": "Marketing by {channel} to {address}",
    },
    "channel.email": {"nl": "e-mail", "en": "e-mail"},
    "channel.sms": {"nl": "sms", "en": "SMS"},
    "purpose.newsletter": {"nl": "nieuwsbrieven", "en": "newsletters"},
    "purpose.offers": {"nl": "aanbiedingen van eigen reizen", "en": "offers of own travel products"},
    "purpose.partner_offers": {"nl": "aanbiedingen van partners", "en": "offers of partners' products"},
    "purpose.all": {"nl": "alle marketing", "en": "all marketing"},
    "decision.consent": {
        "nl": "toegestaan op grond van toestemming (M4), gegeven op {since} ({evidence}, {proof}).",
        "en": "allowed on the basis of consent (M4), given on {since} ({evidence}, {proof}).",
    },
    "decision.soft_opt_in": {
        "nl": "toegestaan op grond van de zachte opt-in voor bestaande klanten (M2): boeker van "
              "boeking {booking_id}, bevestigd op {since}, met op het boekingsformulier een "
              "duidelijke, kosteloze mogelijkheid om bezwaar te maken.{note}",
        "en": "allowed on the basis of the soft opt-in for existing customers (M2): the booker of "
              "booking {booking_id}, confirmed on {since}, whose booking form offered a clear, "
              "free opportunity to object.{note}",
    },
    "decision.objected": {
        "nl": "niet toegestaan sinds {since}: bezwaar gemaakt (M5; {evidence}).{note}",
        "en": "not allowed since {since}: objected (M5; {evidence}).{note}",
    },
    "decision.withdrawn": {
        "nl": "niet toegestaan sinds {since}: toestemming ingetrokken (M5; {evidence}).{note}",
        "en": "not allowed since {since}: consent withdrawn (M5; {evidence}).{note}",
    },
    "decision.unsubscribed": {
        "nl": "niet toegestaan sinds {since}: afgemeld in de mailtool ({evidence}), en een "
              "afmelding telt als bezwaar (M7).{note}",
        "en": "not allowed since {since}: unsubscribed in the mail tool ({evidence}), and an "
              "unsubscribe is an objection (M7).{note}",
    },
    "decision.remembered": {
        "nl": "niet toegestaan sinds {since}: {stopped}, zoals een eerder gepubliceerde "
              "onderdrukkingslijst vastlegt {why}.{note}",
        "en": "not allowed since {since}: {stopped}, as an earlier published suppression list "
              "records {why}.{note}",
    },
    "decision.tombstone": {
        "nl": "niet toegestaan sinds {since}: het adres komt overeen met de vastlegging als "
              "gesleutelde hash (tombstone) van een contact dat {stopped} en daarna werd "
              "verwijderd (M10).{note}",
        "en": "not allowed since {since}: the address matches the keyed-hash record (tombstone) "
              "kept when a contact who {stopped} was deleted (M10).{note}",
    },
    "decision.invalid_proof": {
        "nl": "niet toegestaan: onbewijsbare toestemming {why}; de enige toestemming ({evidence}, "
              "gegeven op {since}) is geen grondslag om te sturen.",
        "en": "not allowed: unprovable consent {why}; the only consent on record ({evidence}, "
              "given on {since}) is no basis to send.",
    },
    "decision.no_basis": {
        "nl": "niet toegestaan: geen grondslag {why}.{note}",
        "en": "not allowed: no basis {why}.{note}",
    },
    "why.M4.unprovable": {
        "nl": "er ontbreekt een bewijsreferentie of de getoonde tekst",
        "en": "it lacks a proof reference or the wording shown",
    },
    "why.M8": {
        "nl": "de gebeurtenis staat niet meer in de exports, maar een onderdrukking wordt nooit "
              "vergeten",
        "en": "the event is no longer in the extracts, but a suppression is never forgotten",
    },
    "why.M9": {
        "nl": "geen bewijsbare toestemming en geen zachte opt-in, en zonder grondslag wordt niets "
              "gestuurd",
        "en": "neither a provable consent nor a soft opt-in, and an address without a basis is "
              "not sent to",
    },
    "note.M2": {
        "nl": " De zachte opt-in geldt alleen voor eigen, vergelijkbare reizen, en eindigt bij "
              "bezwaar of zodra de boekingsgegevens verwijderd moeten worden.",
        "en": " The soft opt-in covers own, similar travel products only, and ends with an "
              "objection or when the booking data is due for deletion.",
    },
    "note.absolute": {
        "nl": " Bezwaar tegen direct marketing geldt altijd, zonder afweging (AVG art. 21 lid 3).",
        "en": " An objection to direct marketing is absolute (GDPR art. 21(3)).",
    },
    "note.restore": {
        "nl": " Alleen een latere, bewijsbare toestemming maakt het weer mogelijk.",
        "en": " Only a later, provable consent allows it again.",
    },
    "note.partner": {
        "nl": " Een zachte opt-in geldt nooit voor aanbiedingen van partners (M2).",
        "en": " A soft opt-in never covers partners' products (M2).",
    },
    "stop.objected": {"nl": "bezwaar gemaakt", "en": "objected"},
    "stop.withdrawn": {"nl": "toestemming ingetrokken", "en": "consent withdrawn"},
    "stopped.objected": {"nl": "bezwaar maakte", "en": "objected"},
    "stopped.withdrawn": {"nl": "zijn toestemming introk", "en": "withdrew consent"},
    "evidence.event": {"nl": "gebeurtenis {event_id}", "en": "event {event_id}"},
    "evidence.event_of": {
        "nl": "gebeurtenis {event_id} van contact {contact_id}",
        "en": "event {event_id} of contact {contact_id}",
    },
    "evidence.no_event": {"nl": "zonder gebeurtenis-id", "en": "no event id on record"},
    "evidence.unsubscribe": {"nl": "afmelding {unsubscribe_id}", "en": "unsubscribe {unsubscribe_id}"},
    "evidence.unsubscribe_no_id": {"nl": "afmelding zonder id", "en": "unsubscribe without id"},
    "proof": {"nl": "bewijs {proof_ref}", "en": "proof {proof_ref}"},
    "proof.text": {
        "nl": "bewijs {proof_ref}, toestemmingstekst {version}",
        "en": "proof {proof_ref}, consent text {version}",
    },
    "proof.recorded": {"nl": "bewijs vastgelegd", "en": "proof recorded"},
    # ---------------------------------------------------------------- retention (R1–R10)
    "title.booking": {"nl": "Boeking {booking_id}", "en": "Booking {booking_id}"},
    "title.consent_events": {"nl": "Bewijs van toestemming", "en": "Consent evidence"},
    "subject.contact": {"nl": "Het contact", "en": "The contact"},
    "subject.booking": {"nl": "De boeking", "en": "The booking"},
    "subject.event": {"nl": "Gebeurtenis {event_id} ({event})", "en": "Event {event_id} ({event})"},
    "subject.every_event": {"nl": "Elke gebeurtenis hieronder", "en": "Each event below"},
    "event.item": {"nl": "{event_id}: {event}.", "en": "{event_id}: {event}."},
    "event": {"nl": "{action} {scope} op {date}", "en": "{action} {scope} on {date}"},
    "event.grant": {"nl": "toestemming gegeven voor", "en": "consent given for"},
    "event.withdraw": {"nl": "toestemming ingetrokken voor", "en": "consent withdrawn for"},
    "event.object": {"nl": "bezwaar gemaakt tegen", "en": "objected to"},
    "scope": {"nl": "{purposes} per {channel}", "en": "{purposes} by {channel}"},
    "scope.every_channel": {"nl": "{purposes} via elk kanaal", "en": "{purposes} on every channel"},
    "action.delete": {"nl": "verwijderd", "en": "deleted"},
    "action.minimize": {
        "nl": "ontdaan van reizigers, bijzondere wensen en voorkeuren",
        "en": "stripped of its travellers, special requests and preferences",
    },
    "retention.due": {
        "nl": "{subject} moest op {due} worden {action} {why} en staat daarom op de verwijderlijst "
              "van deze nacht{held}.",
        "en": "{subject} was due to be {action} on {due} {why} and is therefore on this night's "
              "deletion list{held}.",
    },
    "retention.held": {
        "nl": ", die wacht op goedkeuring door een persoon (G2)",
        "en": ", which is held for a person's approval (G2)",
    },
    "retention.kept": {
        "nl": "{subject} zou op {due} worden {action} {why}, maar wordt bewaard wegens {kept}.",
        "en": "{subject} was due to be {action} on {due} {why}, but is kept because of {kept}.",
    },
    "retention.later": {
        "nl": "{subject} wordt op {due} {action} {why}.",
        "en": "{subject} will be {action} on {due} {why}.",
    },
    "retention.later_kept": {
        "nl": "{subject} wordt op {due} {action} {why}, en wordt voorlopig ook bewaard wegens "
              "{kept}.",
        "en": "{subject} will be {action} on {due} {why}, and is also kept for now because of "
              "{kept}.",
    },
    "retention.open": {
        "nl": "{subject} heeft nog geen datum om te worden {action} {why}.",
        "en": "{subject} has no date yet to be {action} {why}.",
    },
    "retention.open_kept": {
        "nl": "{subject} heeft nog geen datum om te worden {action} {why}, en wordt voorlopig "
              "bewaard wegens {kept}.",
        "en": "{subject} has no date yet to be {action} {why}, and is kept for now because of "
              "{kept}.",
    },
    "why.R3.past": {
        "nl": "{period} nadat de reis op {travel_end} eindigde, de klachttermijn van de "
              "reisvoorwaarden",
        "en": "{period} after the trip ended on {travel_end}, the complaint period of the travel "
              "conditions",
    },
    "why.R3.future": {
        "nl": "{period} nadat de reis op {travel_end} eindigt, de klachttermijn van de "
              "reisvoorwaarden",
        "en": "{period} after the trip ends on {travel_end}, the complaint period of the travel "
              "conditions",
    },
    "why.R4": {
        "nl": "{period} fiscale bewaarplicht (AWR art. 52), gerekend vanaf het einde van boekjaar "
              "{book_year}",
        "en": "{period} of fiscal record-keeping (AWR art. 52), counted from the end of book year "
              "{book_year}",
    },
    "why.R5": {
        "nl": "nooit bevestigd: {period} na de offerte of optie van {booked_on}; een beleidskeuze",
        "en": "never confirmed: {period} after the quote or option of {booked_on}; a policy "
              "choice",
    },
    "why.R6": {
        "nl": "een klant wordt verwijderd op de datum waarop zijn laatste boeking verwijderd "
              "wordt, als er geen toestemming geldt",
        "en": "a customer is deleted on the date its last booking is deleted, when no consent is "
              "in force",
    },
    "why.R6.open": {
        "nl": "een klant wordt pas verwijderd als al zijn boekingen verwijderd moeten worden en "
              "er geen toestemming geldt; zover is het nog niet",
        "en": "a customer is deleted only once every one of its bookings is due for deletion and "
              "no consent is in force; that is not the case yet",
    },
    "why.R7": {
        "nl": "een prospect zonder geldende toestemming wordt {period} na de laatste activiteit "
              "verwijderd, of {objection_period} na een eigen intrekking of bezwaar; een "
              "beleidskeuze",
        "en": "a prospect without consent in force is deleted {period} after its last activity, "
              "or {objection_period} after its own withdrawal or objection; a policy choice",
    },
    "why.R10": {
        "nl": "bewijs van toestemming wordt {period} bewaard na de laatste "
              "toestemmingsgebeurtenis of de verwijderdatum van het contact, als die later is, om "
              "verstuurde mailings te kunnen verantwoorden binnen de vervaltermijn voor "
              "boetes van de ACM (Awb art. 5:45); een beleidskeuze",
        "en": "consent evidence is kept {period} after the contact's latest consent event or its "
              "own deletion date, whichever is later, so that past mailings can be defended "
              "within the ACM's fining limitation period (Awb art. 5:45); a policy choice",
    },
    "why.R10.open": {
        "nl": "bewijs van toestemming wordt {period} na de verwijderdatum van het contact "
              "bewaard, en die datum staat nog niet vast",
        "en": "consent evidence is kept {period} after the contact's own deletion date, and that "
              "date is not set yet",
    },
    "kept.R1": {"nl": "een juridische blokkade", "en": "a legal hold"},
    "why.R1": {
        "nl": "bij een lopende klacht, geschil of claim blijven het contact en zijn boekingen "
              "bewaard",
        "en": "an open complaint, dispute or claim exempts the contact and its bookings",
    },
    "kept.R2": {"nl": "een lopende reis", "en": "ongoing travel"},
    "why.R2": {
        "nl": "een reis die niet vóór de datum van deze nacht eindigt, houdt de boeking en het "
              "contact vast",
        "en": "a trip that does not end before the date of this night keeps the booking and its "
              "contact",
    },
    "kept.R8": {"nl": "geldende toestemming", "en": "consent in force"},
    "why.R8": {
        "nl": "een adres van het contact heeft bewijsbare toestemming; dat bewaart het profiel en "
              "het bewijs van toestemming",
        "en": "one of the contact's addresses has provable consent, which keeps the profile and "
              "its consent evidence",
    },
    "link.contact_id": {
        "nl": "De boeking hoort bij contact {contact_id}, via het contact-id op de boeking (R9).",
        "en": "The booking belongs to contact {contact_id}, by the contact id on the booking (R9).",
    },
    "link.booker_email": {
        "nl": "De boeking hoort bij contact {contact_id}: het e-mailadres van de boeker is van dat "
              "contact en van geen ander (R9).",
        "en": "The booking belongs to contact {contact_id}: its booker e-mail is that contact's "
              "and no other's (R9).",
    },
    "link.unlinked": {
        "nl": "De boeking hoort bij geen enkel contact in het CRM (R9: ze volgt R3–R5 op "
              "boekingsnummer en wordt gemeld als niet gekoppeld).",
        "en": "The booking belongs to no CRM contact (R9: it follows R3–R5 by its booking id and "
              "is reported as unlinked).",
    },
    # ---------------------------------------------------------------- refusals
    "error.no_subject": {
        "nl": "Geef een --address, een --contact-id of een --booking-id om uit te leggen.",
        "en": "Give an --address, a --contact-id or a --booking-id to explain.",
    },
    "error.invalid_email": {
        "nl": "{typed!r} is geen geldig e-mailadres (docs/rules.md \"Address\"): naar een ongeldig "
              "adres wordt nooit iets gestuurd, dus er is geen besluit over. Controleer de "
              "spelling.",
        "en": "{typed!r} is not a valid e-mail address (docs/rules.md \"Address\"): an invalid value "
              "is never sent to, so no decision is made about it. Check the spelling.",
    },
    "error.invalid_sms": {
        "nl": "{typed!r} is geen geldig telefoonnummer (en zonder @ ook geen e-mailadres; "
              "docs/rules.md \"Address\"): naar een ongeldig adres wordt nooit iets gestuurd, dus er "
              "is geen besluit over. Controleer de spelling.",
        "en": "{typed!r} is not a valid phone number (nor, without @, an e-mail address; "
              "docs/rules.md \"Address\"): an invalid value is never sent to, so no decision is made "
              "about it. Check the spelling.",
    },
    "error.unknown_address": {
        "nl": "{address} staat niet in de nacht van {run_date}: geen contact, boeking of "
              "afmelding in de mailtool heeft dit adres. (Een adres van een verwijderd contact "
              "dat bezwaar maakte, wordt alleen als gesleutelde hash bewaard (M10) en is niet op "
              "te zoeken.)",
        "en": "{address} is not in the night of {run_date}: no contact, booking or mail-tool "
              "unsubscribe has this address. (An address of a deleted contact who objected is "
              "kept only as a keyed hash, M10, and cannot be looked up.)",
    },
    "error.unknown_contact": {
        "nl": "Contact {contact_id} staat niet in de nacht van {run_date}: niet in de CRM-export, "
              "en geen toestemmingsgebeurtenis noemt het. Controleer het id.",
        "en": "Contact {contact_id} is not in the night of {run_date}: not in the CRM extract, "
              "and no consent event names it. Check the id.",
    },
    "error.unknown_booking": {
        "nl": "Boeking {booking_id} staat niet in de nacht van {run_date}: de boekingsexport "
              "heeft geen boeking, offerte of optie met dit id. Controleer het id.",
        "en": "Booking {booking_id} is not in the night of {run_date}: the bookings extract has "
              "no such booking, quote or option. Check the id.",
    },
    "error.ambiguous_id": {
        "nl": "{typed} past bij meer dan één id als hoofdletters niet tellen ({ids}): typ het id "
              "precies zo.",
        "en": "{typed} matches more than one id when case is ignored ({ids}): type the id "
              "exactly.",
    },
    "error.no_output_folder": {
        "nl": "Er is geen uitvoermap {output_root} ($HYGIENE_OUTPUT_DIR): daar is nog niets "
              "gepubliceerd. Laat HYGIENE_OUTPUT_DIR naar de gepubliceerde nachten wijzen, of "
              "draai eerst `make demo` of `make run DATE=JJJJ-MM-DD`.",
        "en": "There is no output folder {output_root} ($HYGIENE_OUTPUT_DIR): nothing has been "
              "published there yet. Point HYGIENE_OUTPUT_DIR at the published runs, or run "
              "`make demo` / `make run DATE=YYYY-MM-DD` first.",
    },
    "error.no_latest": {
        "nl": "In {output_root} ($HYGIENE_OUTPUT_DIR) is nog geen nacht gepubliceerd. Draai "
              "`make run DATE=JJJJ-MM-DD`, of kies een datum (`--date`).",
        "en": "{output_root} ($HYGIENE_OUTPUT_DIR) has no published run yet. Run `make run "
              "DATE=YYYY-MM-DD`, or give --date.",
    },
    # the privacy officer's words (the UI's Waarom?): the nights there are, not the server's
    # folder, which `hygiene where` (the data team's) names
    "error.no_run_for_date": {
        "nl": "Er is geen gepubliceerde nacht van {run_date}. Gepubliceerde nachten: {published}.",
        "en": "There is no published night of {run_date}. Published nights: {published}.",
    },
    "run.none_published": {"nl": "geen", "en": "none"},
    "error.not_a_date": {
        "nl": "{typed!r} is geen datum: geef de nacht als 28-11-2026 of 2026-11-28, of laat het "
              "vak leeg voor de laatste nacht.",
        "en": "{typed!r} is not a date: give the night as 2026-11-28 or 28-11-2026, or leave it "
              "empty for the latest night.",
    },
    # the privacy officer reads these in the UI's Waarom? too: the step in the report's words,
    # the nights by their dates (the data team knows `--date` and `make run`)
    "error.degraded_night": {
        "nl": "De nacht van {run_date} is een noodversie (G5): het ging mis bij {failure}, dus "
              "er is die nacht niets opnieuw besloten. De lijsten van die nacht zijn die van de "
              "vorige run, aangevuld met de bezwaren en afmeldingen die nog te lezen waren. De "
              "besluiten zelf zijn uitgelegd bij de laatste volledige nacht: vraag de uitleg van "
              "{full_date} op. Zodra het datateam {run_date} opnieuw goed heeft gedraaid, is ook "
              "die nacht uit te leggen.",
        "en": "The night of {run_date} is degraded (G5): it went wrong in {failure}, so nothing "
              "was decided anew that night. Its lists are the previous run's, with the "
              "objections and unsubscribes that could still be read added. The decisions "
              "themselves are explained by the last full night: ask for the explanation of "
              "{full_date}. Once the data team has rerun {run_date} well, that night can be "
              "explained too.",
    },
    "error.degraded_first_night": {
        "nl": "De nacht van {run_date} is een noodversie (G5): het ging mis bij {failure}, en er "
              "is geen eerdere volledige nacht om hem uit te leggen. De lijsten van die nacht "
              "bevatten alleen de bezwaren en afmeldingen van die dag. Zodra het datateam de nacht "
              "opnieuw goed heeft gedraaid, is hij uit te leggen.",
        "en": "The night of {run_date} is degraded (G5): it went wrong in {failure}, and no full "
              "night before it can explain it. Its lists hold only the day's objections and "
              "unsubscribes. Once the data team has rerun the night well, it can be explained.",
    },
    "error.tables_missing": {
        "nl": "De nacht van {run_date} in {folder} heeft geen uitlegtabellen ({missing} ontbreken "
              "in {explain_folder}/): hij werd gepubliceerd voordat `explain` bestond. Draai hem "
              "opnieuw (`make run DATE={run_date_iso}`) om ze toe te voegen.",
        "en": "The night of {run_date} in {folder} has no explain tables ({missing} missing "
              "under {explain_folder}/): it was published before `explain` existed. Rerun it "
              "(`make run DATE={run_date_iso}`) to add them.",
    },
}


def catalogue(language: str) -> dict[str, str]:
    """Every message in one language (`hygiene.language.LANGUAGES`)."""
    return {key: texts[language] for key, texts in MESSAGES.items()}
