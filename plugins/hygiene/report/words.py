"""Every word of the privacy report and the quality pages, in Dutch and English, in one place.

The catalogue is a plain dict keyed by message id, each entry holding both languages side by
side (`"id": ("Nederlands", "English")`), not gettext catalogues (a .po and a compiled .mo per
language, the English text as key). For a report of a few hundred messages whose first reader is
Dutch, side by side wins: whoever edits a wording sees the other language next to it, a message
missing in one language is a syntax error rather than a silent fall-back to English, there is no
extract-and-compile step for a data team to learn, and the tests can derive "no Dutch left in
the English report" (and the reverse) from this one dict. Templates hold no words of their own:
every text goes through `Words`, which tests/test_report.py checks.

Numbers and dates are formatted here too, by the two rules the report needs (Dutch 1.234 and
7,1%, "28 november 2026"; English 1,234 and 7.1%, "28 November 2026"); the month names are
messages like any other.

`HYGIENE_LANGUAGE` (`nl`, the default, or `en`) picks the language when a report is first
rendered; the report's facts remember it, so an approval renders it again in the same language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hygiene.language import DEFAULT_LANGUAGE, LANGUAGES

MINUS = "\N{MINUS SIGN}"

# id -> (Dutch, English). `{name}` is filled in by Words(...)(id, name=...).
MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ dates
    **{f"month.{number}": names for number, names in enumerate((
        ("januari", "January"), ("februari", "February"), ("maart", "March"),
        ("april", "April"), ("mei", "May"), ("juni", "June"), ("juli", "July"),
        ("augustus", "August"), ("september", "September"), ("oktober", "October"),
        ("november", "November"), ("december", "December"),
    ), start=1)},
    **{f"month_short.{number}": names for number, names in enumerate((
        ("jan", "Jan"), ("feb", "Feb"), ("mrt", "Mar"), ("apr", "Apr"), ("mei", "May"),
        ("jun", "Jun"), ("jul", "Jul"), ("aug", "Aug"), ("sep", "Sep"), ("okt", "Oct"),
        ("nov", "Nov"), ("dec", "Dec"),
    ), start=1)},
    "date.long": ("{day} {month} {year}", "{day} {month} {year}"),
    "date.moment": ("{date} om {time}", "{date} at {time}"),
    "period.years": ("{n} jaar", "{n} years"),
    "period.years.1": ("1 jaar", "1 year"),
    "period.months": ("{n} maanden", "{n} months"),
    "period.months.1": ("1 maand", "1 month"),
    "period.days": ("{n} dagen", "{n} days"),
    "period.days.1": ("1 dag", "1 day"),
    "number.less_than": ("minder dan {value}", "less than {value}"),
    "number.no_change": ("gelijk", "no change"),
    "list.and": ("{first} en {last}", "{first} and {last}"),
    "none": ("geen", "none"),
    "dash": ("—", "—"),
    "total": ("Totaal", "Total"),
    # ------------------------------------------------------------------ the page
    "report.kicker": ("Privacyrapport · nachtelijke controle", "Privacy report · nightly run"),
    "report.title": ("Privacyrapport van {date}", "Privacy report of {date}"),
    "report.running_head": ("Privacyrapport {date}", "Privacy report {date}"),
    "report.lede": (
        ("Wie marketing per e-mail of sms mag ontvangen (Telecommunicatiewet art. 11.7) en welke "
         "persoonsgegevens weg moeten (AVG art. 5 lid 1 onder e), zoals vastgesteld voor "
         "{date}. Dit rapport bevat alleen aantallen: nooit een adres, naam of telefoonnummer van een klant of prospect."),
        ("Who may receive marketing by e-mail or text message (Dutch Telecommunications Act "
         "art. 11.7) and which personal data must go (GDPR art. 5(1)(e)), as decided for {date}. "
         "This report holds counts only: never an address, a name or a phone number."),
    ),
    "report.contents": ("Inhoud", "Contents"),
    "report.footer": (
        ("Gemaakt door de nachtelijke run van {date} (bewaarbeleid {policy}, software {code}). "
         "Vragen over één persoon, zoals \u201cwaarom kreeg ik deze mail?\u201d, beantwoordt het "
         "datateam met het commando hygiene explain."),
        ("Made by the nightly run of {date} (retention policy {policy}, software {code}). "
         "Questions about one person, such as \u201cwhy was I mailed?\u201d, are answered by the "
         "data team with the command hygiene explain."),
    ),
    # ------------------------------------------------------------------ codes in words
    "status.published": ("gepubliceerd", "published"),
    "status.held": ("verwijderlijst vastgehouden (G2)", "deletion list held (G2)"),
    "status.rejected": ("gepubliceerd, verwijderlijst afgewezen (G2)",
                        "published, deletion list rejected (G2)"),
    "status.approved": ("gepubliceerd, verwijderlijst goedgekeurd (G2)",
                        "published, deletion list approved (G2)"),
    "status.degraded": ("noodversie: nacht mislukt (G5)", "degraded: the night failed (G5)"),
    "channel.email": ("e-mail", "e-mail"),
    "channel.sms": ("sms", "text message"),
    "purpose.newsletter": ("nieuwsbrief", "newsletter"),
    "purpose.offers": ("aanbiedingen van eigen reizen", "offers of own travel products"),
    "purpose.partner_offers": ("aanbiedingen van partners", "partners' offers"),
    "reason.objected": ("bezwaar (M5)", "objection (M5)"),
    "reason.withdrawn": ("toestemming ingetrokken (M5)", "consent withdrawn (M5)"),
    "reason.invalid_proof": ("toestemming zonder bewijs (M4)", "consent without proof (M4)"),
    "reason.no_basis": ("geen grondslag (M9)", "no basis (M9)"),
    "basis.consent": ("toestemming (M1, M4)", "consent (M1, M4)"),
    "basis.soft_opt_in": ("zachte opt-in (M2)", "soft opt-in (M2)"),
    "stop_rule.M5": ("via het CRM (M5)", "through the CRM (M5)"),
    "stop_rule.M7": ("afgemeld in de mailtool (M7)", "unsubscribed in the mail tool (M7)"),
    "stop_rule.M8": ("onthouden uit een eerdere nacht (M8)", "remembered from an earlier night (M8)"),
    "stop_rule.M10": ("van een verwijderd contact, als gesleutelde hash (M10)",
                      "of a deleted contact, as a keyed hash (M10)"),
    "subject.contact": ("contacten", "contacts"),
    "subject.booking": ("boekingen", "bookings"),
    "subject.consent_event": ("toestemmingsgebeurtenissen", "consent events"),
    "action.delete": ("verwijderen", "delete"),
    "action.minimize": ("minimaliseren", "minimise"),
    "kind.contact.delete": ("contacten verwijderen", "contacts to delete"),
    "kind.booking.delete": ("boekingen verwijderen", "bookings to delete"),
    "kind.booking.minimize": ("boekingen minimaliseren", "bookings to minimise"),
    "kind.consent_event.delete": ("toestemmingsgebeurtenissen verwijderen",
                                  "consent events to delete"),
    "rule.R3": ("klachttermijn na de reis voorbij (R3)", "complaint period after the trip over (R3)"),
    "rule.R4": ("fiscale bewaartermijn voorbij (R4)", "fiscal retention period over (R4)"),
    "rule.R5": ("nooit bevestigde offerte, optie of annulering (R5)",
                "quote, option or cancellation never confirmed (R5)"),
    "rule.R6": ("klant van wie alle boekingen weg mogen (R6)",
                "customer whose bookings are all due (R6)"),
    "rule.R7": ("prospect zonder activiteit of na afmelding (R7)",
                "prospect inactive or after a withdrawal (R7)"),
    "rule.R10": ("bewijs van toestemming, termijn voorbij (R10)",
                 "consent evidence past its period (R10)"),
    "kept_by.R1": ("juridische blokkade: klacht, geschil of claim (R1)",
                   "legal hold: complaint, dispute or claim (R1)"),
    "kept_by.R2": ("reis nog niet voorbij (R2)", "trip not over yet (R2)"),
    "kept_by.R8": ("toestemming van kracht (R8)", "consent in force (R8)"),
    "overdue.overdue": ("achterstallig (G3)", "overdue (G3)"),
    "overdue.paused": ("gepauzeerd: een regel houdt het vast", "paused: a rule keeps it"),
    "link_method.contact_id": ("via het klantnummer", "by the contact id"),
    "link_method.booker_email": ("via het e-mailadres van de boeker (R9)",
                                 "by the booker's e-mail (R9)"),
    "link_method.unlinked": ("aan geen contact gekoppeld (R9)", "linked to no contact (R9)"),
    "source_table.crm_contacts": ("CRM-contacten", "CRM contacts"),
    "source_table.bookings": ("boekingen", "bookings"),
    "source_table.consent_events": ("toestemmingen en afmeldingen", "consents and withdrawals"),
    "source_table.mailtool_unsubscribes": ("afmeldingen uit de mailtool",
                                           "mail-tool unsubscribes"),
    "column.email": ("e-mailadres", "e-mail address"),
    "column.phone": ("telefoonnummer", "phone number"),
    "column.booker_email": ("e-mailadres van de boeker", "booker's e-mail address"),
    "column.booker_phone": ("telefoonnummer van de boeker", "booker's phone number"),
    "event_source.web_form": ("webformulier", "web form"),
    "event_source.double_opt_in": ("double opt-in", "double opt-in"),
    "event_source.booking_form": ("boekingsformulier", "booking form"),
    "event_source.call_center": ("callcenter", "call centre"),
    "event_source.paper": ("papieren formulier", "paper form"),
    "event_source.import": ("import van een bestand", "file import"),
    "event_source.mail_tool": ("mailtool", "mail tool"),
    "event_source.other": ("overig", "other"),
    "severity.critical": ("blokkerend", "blocking"),
    "severity.warning": ("waarschuwing", "warning"),
    "suite.raw_extracts": ("Exports van de bronsystemen (G1)", "Source-system exports (G1)"),
    "suite.consent_proof": ("Bewijs van toestemming (M4)", "Proof of consent (M4)"),
    "suite.marts": ("Lijsten en regels (M1–M10, R1–R10)", "Lists and rules (M1–M10, R1–R10)"),
    # ------------------------------------------------------------------ at a glance
    "glance.title": ("In één oogopslag", "At a glance"),
    "glance.status": ("Status van deze nacht", "Status of this night"),
    "glance.published": (
        ("Alle lijsten van deze nacht zijn gepubliceerd: de mailtool gebruikt de nieuwe "
         "onderdrukkingslijst en de verwijderlijst staat klaar."),
        ("Every list of this night is published: the mail tool uses the new suppression list "
         "and the deletion list is ready."),
    ),
    "glance.held": (
        ("De verwijderlijst is vastgehouden voor uw beoordeling (G2): {reason}. Zolang hij niet "
         "is goedgekeurd, wordt er niets verwijderd. De onderdrukkings- en toestemmingslijsten zijn "
         "wel gepubliceerd: afmeldingen en bezwaren gelden gewoon."),
        ("The deletion list is held for your review (G2): {reason}. Nothing is deleted until it "
         "is approved. The suppression and eligibility lists are published: withdrawals and "
         "objections apply as usual."),
    ),
    "glance.approved": (
        ("Alle lijsten zijn gepubliceerd. De verwijderlijst was vastgehouden (G2: {reason}) en is "
         "goedgekeurd door {by} op {at}."),
        ("Every list is published. The deletion list was held (G2: {reason}) and was approved "
         "by {by} on {at}."),
    ),
    "glance.rejected": (
        ("De onderdrukkings- en toestemmingslijsten zijn gepubliceerd. De verwijderlijst was "
         "vastgehouden (G2: {reason}) en is afgewezen door {by} op {at}: er wordt niets van "
         "verwijderd."),
        ("The suppression and eligibility lists are published. The deletion list was held (G2: "
         "{reason}) and was rejected by {by} on {at}: nothing of it is deleted."),
    ),
    "glance.eligible": ("Mag gemaild worden", "May be mailed"),
    "glance.suppressed": ("Onderdrukt", "Suppressed"),
    "glance.due": ("Vandaag te verwijderen", "Due for deletion today"),
    "glance.eligible.note": ("combinaties van adres en doel met toestemming of zachte opt-in",
                             "address and purpose pairs with consent or soft opt-in"),
    "glance.suppressed.note": ("combinaties van adres en doel die niet gemaild mogen worden",
                               "address and purpose pairs that must not be mailed"),
    "glance.due.note": ("te verwijderen of te minimaliseren: {subjects}",
                        "to delete or to minimise: {subjects}"),
    "glance.due.held": (
        "te verwijderen of te minimaliseren; vastgehouden, nog niet vrijgegeven (G2)",
        "to delete or to minimise; held, not released yet (G2)",
    ),
    "glance.due.none": ("niets is vandaag aan de beurt", "nothing is due today"),
    "glance.change": ("{change} sinds {date}", "{change} since {date}"),
    "glance.no_comparison": ("geen vergelijking: de vorige run heeft deze aantallen niet",
                             "no comparison: the previous run lacks these counts"),
    "glance.not_determined": ("geen vergelijking: deze run bepaalt dit aantal niet",
                              "no comparison: this run does not determine this count"),
    "glance.first_run": ("geen vergelijking: dit is de eerste run",
                         "no comparison: this is the first run"),
    "glance.units": (
        ("Elk adres telt één keer per doel (nieuwsbrief, aanbiedingen van eigen reizen, aanbiedingen "
         "van partners) en per kanaal: zo staat elk bekend adres per doel op precies één van "
         "beide lijsten (M9)."),
        ("Each address counts once per purpose (newsletter, own offers, partners' offers) and "
         "channel: so every known address is, per purpose, on exactly one of the two lists (M9)."),
    ),
    "glance.todo": ("Wat te doen", "What to do"),
    "todo.nothing": ("Niets: alles is verwerkt.", "Nothing: everything was handled."),
    "todo.approve": (
        ("Beoordeel de vastgehouden verwijderlijst ({file}) en keur hem goed in Airflow of met "
         "het commando {command}."),
        ("Review the held deletion list ({file}) and approve it in Airflow or with the command "
         "{command}."),
    ),
    "todo.your_name": ("uw naam", "your name"),
    "todo.overdue": (
        ("{count} verwijderingen zijn achterstallig (G3): vraag de beheerders van CRM en "
         "boekingssysteem waarom ze nog niet zijn uitgevoerd."),
        ("{count} deletions are overdue (G3): ask the CRM and booking-system owners why they "
         "were not carried out yet."),
    ),
    "todo.overdue.one": (
        ("1 verwijdering is achterstallig (G3): vraag de beheerders van CRM en boekingssysteem "
         "waarom die nog niet is uitgevoerd."),
        ("1 deletion is overdue (G3): ask the CRM and booking-system owners why it was not "
         "carried out yet."),
    ),
    "todo.unproven": (
        ("{count} toestemmingen hebben geen bewijs (M4): laat het bewijs aanvullen of vraag "
         "opnieuw toestemming (zie Bewijs van toestemming)."),
        ("{count} grants have no proof (M4): have the proof added or ask for consent again "
         "(see Proof of consent)."),
    ),
    "todo.unproven.one": (
        ("1 toestemming heeft geen bewijs (M4): laat het bewijs aanvullen of vraag opnieuw "
         "toestemming (zie Bewijs van toestemming)."),
        ("1 grant has no proof (M4): have the proof added or ask for consent again (see Proof "
         "of consent)."),
    ),
    "todo.quality": (
        "{count} bevindingen bij de datakwaliteit: zie Datakwaliteit.",
        "{count} data-quality findings: see Data quality.",
    ),
    "todo.quality.one": (
        "1 bevinding bij de datakwaliteit: zie Datakwaliteit.",
        "1 data-quality finding: see Data quality.",
    ),
    "todo.extra_columns": (
        ("Een export bevat kolommen die niet in het contract staan: vraag de bron ze weg te "
         "laten (zie Datakwaliteit)."),
        ("An export holds columns the contract does not know: ask the source to leave them out "
         "(see Data quality)."),
    ),
    "hold.share": (
        ("{deletions} van de {contacts} contacten ({share}) staan op de lijst, meer dan de "
         "ingestelde {max_share}"),
        ("{deletions} of {contacts} contacts ({share}) are on the list, more than the configured "
         "{max_share}"),
    ),
    "hold.norm": (
        ("{deletions} contacten zijn meer dan {factor} keer het gebruikelijke aantal (mediaan "
         "{median} van de laatste runs)"),
        ("{deletions} contacts is more than {factor} times the usual number (median {median} of "
         "the last runs)"),
    ),
    # The question the approval DAG asks in Airflow's "Required actions" (hygiene.approve).
    "approval.subject": ("Verwijderlijst van {day} goedkeuren?", "Approve the deletion list of {day}?"),
    "approval.held": (
        "De verwijderlijst van **{day}** is vastgehouden voor goedkeuring (G2): {reason}.",
        "The deletion list of **{day}** is held for approval (G2): {reason}.",
    ),
    "approval.larger_than_usual": ("groter dan gewoonlijk", "larger than usual"),
    "approval.rows": (
        ("{rows} rijen over {subjects}. Een rij is één onderwerp en één actie: een boeking kan "
         "twee keer voorkomen (minimaliseren R3, verwijderen R4)."),
        ("{rows} rows about {subjects}. A row is one subject and one action: a booking can be "
         "listed twice (minimise R3, delete R4)."),
    ),
    "approval.columns": ("| onderwerp | actie | regel | rijen |",
                         "| subject | action | rule | rows |"),
    "approval.links": (
        "[De vastgehouden lijst (csv)]({held}) · [Het privacyrapport van {day}]({report})",
        "[The held list (csv)]({held}) · [The privacy report of {day}]({report})",
    ),
    "approval.choices": (
        ("**Approve** (goedkeuren) publiceert de lijst als de verwijderlijst van die dag; "
         "**Reject** (afwijzen) verwijdert niets. Zonder antwoord blijft de lijst vastgehouden."),
        ("**Approve** publishes the list as that day's deletion list; **reject** deletes "
         "nothing. Without an answer the list stays held."),
    ),
    # ------------------------------------------------------------------ marketing
    "marketing.title": ("Marketing: stand en wijzigingen sinds de vorige run",
                        "Marketing: where things stand, and changes since the previous run"),
    "marketing.chart": ("Mag gemaild worden en onderdrukt, de laatste 90 nachten",
                        "May be mailed and suppressed, the last 90 nights"),
    "marketing.chart.caption": (
        ("Combinaties van adres en doel per gepubliceerde nacht. Een open punt is een noodversie "
         "(G5)."),
        "Address and purpose pairs per published night. An open dot is a degraded night (G5).",
    ),
    "marketing.by_purpose": ("Stand per kanaal en doel", "Per channel and purpose"),
    "marketing.channel": ("Kanaal", "Channel"),
    "marketing.purpose": ("Doel", "Purpose"),
    "marketing.eligible_by": ("Mag gemaild worden, op grond van", "May be mailed, by"),
    "marketing.suppressed_by": ("Onderdrukt, wegens", "Suppressed, for"),

    "marketing.no_comparison": (
        ("Geen vergelijking: er is geen eerdere run, of de vorige run ({date}) heeft zijn lijsten "
         "niet meer."),
        ("No comparison: there is no earlier run, or the previous run ({date}) no longer has its "
         "lists."),
    ),
    "marketing.no_previous": ("Geen vergelijking: dit is de eerste run.",
                              "No comparison: this is the first run."),
    "marketing.new_stops": ("Nieuwe afmeldingen en bezwaren sinds {date}",
                            "New withdrawals and objections since {date}"),
    "marketing.new_stops.none": ("Geen nieuwe afmeldingen of bezwaren.",
                                 "No new withdrawals or objections."),
    "marketing.new_stops.note": (
        ("Een afmelding of bezwaar geldt vanaf de eerste nacht waarin het binnenkomt en voor "
         "altijd, tot een nieuwe, bewezen toestemming (M5, M8)."),
        ("A withdrawal or objection applies from the first night it arrives, and for good, until "
         "a new, proven consent (M5, M8)."),
    ),
    "marketing.reason": ("Reden", "Reason"),
    "marketing.origin": ("Herkomst", "Origin"),
    "marketing.basis": ("Grondslag", "Basis"),
    "marketing.now": ("Nu", "Now"),
    "marketing.added": ("Erbij", "Added"),
    "marketing.removed": ("Eraf", "Removed"),
    "marketing.count": ("Aantal", "Count"),
    "marketing.suppression_changes": ("Onderdrukt: erbij en eraf, per reden",
                                      "Suppressed: added and removed, by reason"),
    "marketing.suppression_changes.note": (
        ("Erbij: nieuw onderdrukt of met een andere reden dan bij de vorige run. Eraf: mag nu "
         "gemaild worden, heeft een andere reden, of staat niet meer in de exports."),
        ("Added: newly suppressed, or for another reason than in the previous run. Removed: may "
         "now be mailed, has another reason, or is no longer in the extracts."),
    ),
    "marketing.eligibility_changes": ("Mag gemaild worden: erbij en eraf, per grondslag",
                                      "May be mailed: added and removed, by basis"),
    "marketing.eligibility_changes.note": (
        "Erbij: mocht bij de vorige run niet gemaild worden, of op een andere grondslag.",
        "Added: could not be mailed in the previous run, or on another basis.",
    ),
    # ------------------------------------------------------------------ consent proof
    "proof.title": ("Bewijs van toestemming (M4)", "Proof of consent (M4)"),
    "proof.intro": (
        ("Een toestemming telt alleen met bewijs: een bewijsnummer (bijvoorbeeld de bevestiging "
         "van een double opt-in of het nummer van een formulier) en de versie van de tekst die de "
         "persoon zag. Zonder bewijs wordt er niet op gemaild."),
        ("A grant counts only with proof: a proof reference (such as the confirmation of a "
         "double opt-in or a form's submission id) and the version of the wording the person saw. "
         "Without proof nobody is mailed on it."),
    ),
    "proof.summary": (
        ("{unproven} van de {grants} toestemmingen ({share}) hebben geen bewijs. Boven {max_share} "
         "stopt de run; boven {warn_share} waarschuwt dit rapport."),
        ("{unproven} of {grants} grants ({share}) have no proof. Above {max_share} the run stops; "
         "above {warn_share} this report warns."),
    ),
    "proof.none": ("Alle {grants} toestemmingen hebben bewijs.", "All {grants} grants have proof."),
    "proof.suppressed": (
        "Daardoor zijn {count} combinaties van adres en doel onderdrukt als \u201c{reason}\u201d.",
        "So {count} address and purpose pairs are suppressed as \u201c{reason}\u201d.",
    ),
    "proof.source": ("Bron", "Source"),
    "proof.version": ("Tekstversie", "Text version"),
    "proof.no_version": ("geen versie", "no version"),
    "proof.grants": ("Toestemmingen", "Grants"),
    "proof.unproven": ("Zonder bewijs", "Without proof"),
    "proof.share": ("Aandeel", "Share"),
    "proof.missing": ("Wat ontbreekt", "What is missing"),
    "proof.missing.reference": ("bewijsnummer: {count}", "proof reference: {count}"),
    "proof.missing.version": ("tekstversie: {count}", "text version: {count}"),
    "proof.fix": ("Wat te doen", "What to do"),
    "proof.by_version": ("Per bron en tekstversie", "By source and text version"),
    "proof.by_version.note": (
        ("Alleen de versies met toestemmingen zonder bewijs. Vetgedrukt: meer dan {warn_share} "
         "zonder bewijs."),
        ("Only the versions with grants without proof. In bold: more than {warn_share} without "
         "proof."),
    ),
    "proof.review": (
        ("De nummers van deze toestemmingen (toestemmings- en klantnummer, nooit een adres) staan "
         "in {file}, naast dit rapport en alleen leesbaar voor de eigenaar: {count} rijen."),
        ("The ids of these grants (event and contact ids, never an address) are in {file}, beside "
         "this report and readable by its owner only: {count} rows."),
    ),
    "fix.web_form": (
        ("Het webformulier bewaart geen inzendingsnummer of tekstversie: laat de webbouwer dat "
         "toevoegen."),
        "The web form keeps no submission id or text version: have the web developer add them.",
    ),
    "fix.double_opt_in": (
        "De bevestiging van de double opt-in ontbreekt: zoek die op in de mailtool.",
        "The double opt-in confirmation is missing: look it up in the mail tool.",
    ),
    "fix.booking_form": (
        ("Het boekingsformulier geeft geen bewijs mee: laat het boekingssysteem het "
         "formuliernummer en de tekstversie exporteren."),
        ("The booking form passes no proof: have the booking system export the form id and text "
         "version."),
    ),
    "fix.call_center": (
        "Leg bij telefonische toestemming de gespreksopname en het gebruikte script vast.",
        "For consent by phone, record the call recording and the script used.",
    ),
    "fix.paper": (
        "Scan het getekende formulier en vermeld het scannummer en de formulierversie.",
        "Scan the signed form and record the scan id and form version.",
    ),
    "fix.import": (
        ("Een import zonder bewijs is geen toestemming: vraag de leverancier van het bestand om "
         "het bewijs, of vraag opnieuw toestemming met een double opt-in."),
        ("An import without proof is no consent: ask the file's supplier for the proof, or ask "
         "for consent again with a double opt-in."),
    ),
    "fix.other": (
        ("Zoek uit waar deze toestemmingen vandaan komen en leg het bewijs vast, of vraag opnieuw "
         "toestemming."),
        ("Find out where these grants come from and record their proof, or ask for consent "
         "again."),
    ),
    # ------------------------------------------------------------------ deletions
    "deletions.title": ("Verwijderen en minimaliseren (R1–R10)", "Deletion and minimisation (R1–R10)"),
    "deletions.held": (
        ("Vastgehouden voor goedkeuring (G2): {reason}. De volledige lijst staat in {held}; "
         "{file} is vannacht leeg."),
        ("Held for approval (G2): {reason}. The full list is in {held}; tonight's {file} is "
         "empty."),
    ),
    "deletions.approved": (
        ("Goedgekeurd door {by} op {at} (vastgehouden omdat {reason}). {file} is de "
         "beoordeelde lijst."),
        "Approved by {by} on {at} (held because {reason}). {file} is the reviewed list.",
    ),
    "deletions.rejected": (
        ("Afgewezen door {by} op {at} (vastgehouden omdat {reason}): er wordt niets van "
         "verwijderd; {file} is vannacht leeg."),
        ("Rejected by {by} on {at} (held because {reason}): nothing of it is deleted; tonight's "
         "{file} is empty."),
    ),
    "deletions.due": ("Vandaag aan de beurt", "Due today"),
    "deletions.due.none": ("Vandaag is niets aan de beurt.", "Nothing is due today."),
    "deletions.due.held": ("Vandaag aan de beurt, vastgehouden tot goedkeuring (G2)",
                           "Due today, held until approved (G2)"),
    "deletions.subject": ("Wat", "What"),
    "deletions.action": ("Handeling", "Action"),
    "deletions.rule": ("Regel", "Rule"),
    "deletions.subjects": ("Aantal", "Count"),
    "deletions.upcoming": ("Binnenkort aan de beurt", "Coming up"),
    "deletions.upcoming.none": ("De komende 90 dagen is niets aan de beurt.",
                                "Nothing falls due in the next 90 days."),
    "deletions.within_30": ("Binnen 30 dagen", "Within 30 days"),
    "deletions.within_90": ("Binnen 90 dagen", "Within 90 days"),
    "deletions.chart": ("Aan de beurt per maand, de komende 12 maanden",
                        "Falling due per month, the next 12 months"),
    "deletions.chart.caption": (
        ("Rijen die na vandaag aan de beurt komen en die geen regel vasthoudt, naar de maand van "
         "hun vervaldatum. Een contact dat nog boekingen heeft, telt pas mee als al zijn boekingen "
         "weg mogen (R6)."),
        ("Rows falling due after today that no rule keeps, by the month of their due date. A "
         "contact with bookings still kept counts only once all its bookings are due (R6)."),
    ),
    "deletions.kept": ("Termijn voorbij, maar bewaard", "Past their date, but kept"),
    "deletions.kept.note": (
        ("Deze gegevens zijn over hun termijn, maar een regel houdt ze vast. Ze komen op de lijst "
         "zodra die regel niet meer geldt."),
        ("These data are past their date, but a rule keeps them. They are listed once that rule "
         "no longer applies."),
    ),
    "deletions.kept.none": ("Niets wordt na zijn termijn vastgehouden.",
                            "Nothing is kept past its date."),
    "deletions.kept_by": ("Bewaard wegens", "Kept by"),
    "deletions.overdue": ("Achterstallige verwijderingen (G3)", "Overdue deletions (G3)"),
    "deletions.overdue.none": (
        "Geen: alles wat een gepubliceerde lijst noemde, is op tijd uit de exports verdwenen.",
        "None: everything a published list named has left the extracts in time.",
    ),
    "deletions.overdue.note": (
        ("Achterstallig: staat meer dan {days} na de vervaldatum (en na de eerste lijst die het "
         "noemde) nog in de exports. Gepauzeerd: een juridische blokkade (R1) of een lopende reis "
         "(R2) houdt het vast, dus de klok staat stil. De nummers staan in {file} (alleen voor de "
         "eigenaar)."),
        ("Overdue: still in the extracts more than {days} after its due date (and after the first "
         "list that named it). Paused: a legal hold (R1) or ongoing travel (R2) keeps it, so the "
         "clock stopped. The ids are in {file} (owner only)."),
    ),
    "deletions.status": ("Status", "Status"),
    "deletions.most_days": ("Langst over tijd", "Longest overdue"),
    "deletions.unlinked": ("Boekingen zonder contact (R9)", "Bookings without a contact (R9)"),
    "deletions.unlinked.text": (
        ("{bookings} van de {total} boekingen horen bij geen enkel contact. Ze volgen toch de "
         "termijnen R3–R5, op boekingsnummer; {due} daarvan zijn vandaag aan de beurt."),
        ("{bookings} of {total} bookings belong to no contact. They still follow R3–R5, by "
         "booking id; {due} of them are due today."),
    ),
    "deletions.links": ("Gekoppeld", "Linked"),
    "deletions.invalid": ("Ongeldige adressen, per export", "Invalid addresses, by extract"),
    "deletions.invalid.note": (
        ("Een waarde die geen geldig adres is, wordt nooit gemaild en staat op geen lijst. Vraag "
         "de bron om ze te verbeteren; de nummers van de rijen kent het datateam."),
        ("A value that is no valid address is never mailed and on no list. Ask the source to "
         "correct them; the data team knows their row ids."),
    ),
    "deletions.invalid.none": ("Geen ongeldige adressen.", "No invalid addresses."),
    "deletions.extract": ("Export", "Extract"),
    "deletions.column": ("Veld", "Field"),
    "deletions.values": ("Ongeldig", "Invalid"),
    # ------------------------------------------------------------------ data quality
    "quality.title": ("Datakwaliteit", "Data quality"),
    "quality.intro": (
        ("Voordat de lijsten worden gepubliceerd, controleert de run de exports en de lijsten met "
         "Great Expectations. Een blokkerende fout houdt de lijsten tegen (G1); een waarschuwing "
         "staat hier. De uitkomst van elke controle staat op een eigen pagina per onderdeel."),
        ("Before the lists are published, the run checks the extracts and the lists with Great "
         "Expectations. A blocking failure stops the lists (G1); a warning is shown here. Each "
         "check's outcome is on a page of its own per part."),
    ),
    "quality.suite": ("Onderdeel", "Part"),
    "quality.result": ("Resultaat", "Result"),
    "quality.checks": ("Controles in orde", "Checks passed"),
    "quality.checks.count": ("{passed} van {checks}", "{passed} of {checks}"),
    "quality.skipped": ("Overgeslagen", "Skipped"),
    "quality.warnings": ("Waarschuwingen", "Warnings"),
    "quality.details": ("Details", "Details"),
    "quality.pages.note": (
        "De pagina's per onderdeel staan in de map {folder} naast dit rapport.",
        "The page of each part is in the folder {folder} beside this report.",
    ),
    "quality.result.passed": ("in orde", "passed"),
    "quality.result.warnings": ("in orde, met waarschuwingen", "passed, with warnings"),
    "quality.result.failed": ("mislukt", "failed"),
    "quality.what": ("Wat is gecontroleerd", "What was checked"),
    "quality.rule": ("Regel", "Rule"),
    "quality.found": ("Gevonden", "Found"),
    "quality.todo": ("Wat te doen", "What to do"),
    "quality.where": ("Bestand of tabel", "File or table"),
    "quality.column": ("Veld", "Field"),
    "quality.severity": ("Ernst", "Severity"),
    "quality.group.passed": ("alle {count} in orde", "all {count} passed"),
    "quality.group.passed.one": ("in orde", "passed"),
    "quality.group.problems": ("{bad} van {count} niet in orde", "{bad} of {count} not passed"),
    "quality.group.problems.one": ("niet in orde", "not passed"),
    "quality.skipped.title": ("Overgeslagen controles", "Skipped checks"),
    "quality.skipped.group": ("Overgeslagen voor {files}.", "Skipped for {files}."),
    "quality.skipped.none": ("Geen controle is overgeslagen.", "No check was skipped."),
    "quality.extracts": ("Wat de exports meer bevatten dan het contract",
                         "What the extracts held beyond the contract"),
    "quality.extracts.file": ("Bestand", "File"),
    "quality.extracts.rows": ("Rijen", "Rows"),
    "quality.extracts.columns": ("Onbekende kolommen (niet ingelezen)",
                                 "Unknown columns (not loaded)"),
    "quality.extracts.skipped": ("Overgeslagen rijen", "Rows skipped"),
    "quality.extracts.skipped_rows": (
        ("{count} (rijen {rows}): het e-mailadres is leeg of geen adres, dus deze afmelding kan "
         "niemand stoppen"),
        ("{count} (rows {rows}): the e-mail is empty or no address, so this unsubscribe can "
         "stop no one"),
    ),
    "quality.extracts.note": (
        ("Een onbekende kolom kan persoonsgegevens bevatten waarvoor niemand toestemming gaf: "
         "vraag de bron om hem weg te laten."),
        ("An unknown column may carry personal data nobody agreed to: ask the source to leave "
         "it out."),
    ),
    "quality.page.title": ("Datakwaliteit: {suite}, {date}", "Data quality: {suite}, {date}"),
    "quality.page.summary": (
        ("{passed} van {checks} controles in orde, {warnings} waarschuwingen, {failed} "
         "blokkerende fouten, {skipped} overgeslagen."),
        ("{passed} of {checks} checks passed, {warnings} warnings, {failed} blocking failures, "
         "{skipped} skipped."),
    ),
    "quality.page.note": (
        ("Deze pagina toont alleen aantallen en rijnummers, nooit waarden uit de gegevens. De "
         "volledige uitkomst staat in {file}."),
        ("This page shows counts and row numbers only, never values from the data. The full "
         "result is in {file}."),
    ),
    "check.result.failed": ("niet in orde", "not passed"),
    "check.row": ("Nr.", "No."),
    # what was checked: by frame and column, frame and severity, frame, else expectation type
    "check.expect_column_to_exist": ("Verplichte kolommen staan in de export",
                                     "Required columns are present"),
    "check.expect_column_values_to_not_be_null": ("Verplichte velden zijn in elke rij ingevuld",
                                                  "Required fields are filled in every row"),
    "check.expect_column_values_to_be_unique": (
        "Nummers zijn uniek: geen twee rijen met hetzelfde nummer",
        "Ids are unique: no two rows share one",
    ),
    "check.expect_column_values_to_be_in_set": (
        "Velden bevatten alleen waarden die het contract of de regels kennen",
        "Fields hold only values the contract or the rules know",
    ),
    "check.expect_table_row_count_to_equal": (
        "Het bestand heeft evenveel rijen als de bron aankondigde: het is niet afgebroken",
        "The file has as many rows as the source announced: it was not truncated",
    ),
    "check.expect_table_row_count_to_be_between": (
        "Het aantal rijen ligt binnen de marge rond dat van de vorige run (G1)",
        "The number of rows is within the band around the previous run's (G1)",
    ),
    "check.eligible_despite_withdrawal_or_objection": (
        "Niemand wiens laatste gebeurtenis een afmelding of bezwaar is, mag gemaild worden",
        "Nobody whose latest event is a withdrawal or objection may be mailed",
    ),
    "check.list_membership_problems.has_duplicate_decisions": (
        "Eén beslissing per adres, kanaal en doel", "One decision per address, channel and purpose",
    ),
    "check.list_membership_problems.is_not_in_exactly_one_list": (
        "Elk bekend adres staat per doel op precies één van beide lijsten",
        "Every known address is on exactly one of the two lists per purpose",
    ),
    "check.list_membership_problems.is_in_the_wrong_list": (
        "Elk adres staat op de lijst die bij zijn beslissing hoort",
        "Every address is on the list its decision says",
    ),
    "check.list_membership_problems.is_listed_without_decision": (
        "Geen lijst noemt een adres zonder beslissing",
        "No list names an address without a decision",
    ),
    "check.soft_opt_in_for_partner_offers": (
        "Zachte opt-in geldt nooit voor aanbiedingen van partners",
        "Soft opt-in never covers partners' offers",
    ),
    "check.address_hash_mismatches": (
        "De hash van elk adres klopt (voor partners die op hashes vergelijken)",
        "Every address hash is right (for partners who match on hashes)",
    ),
    "check.deletions_under_legal_hold": (
        "Niets van een contact met een juridische blokkade staat op de verwijderlijst (R1)",
        "Nothing of a contact on legal hold is on the deletion list (R1)",
    ),
    "check.deletions_during_travel": (
        "Niets van een reis die nog loopt staat op de verwijderlijst (R2)",
        "Nothing of a trip still under way is on the deletion list (R2)",
    ),
    "check.deletions_not_yet_due": (
        "Niets op de verwijderlijst is pas na vandaag aan de beurt",
        "Nothing on the deletion list falls due after today",
    ),
    "check.consent_decisions_without_proof": (
        "Elke toestemming waarop gemaild wordt, heeft bewijs",
        "Every grant anyone is mailed on has proof",
    ),
    "check.unproven_grant_share.critical": (
        "Het aandeel toestemmingen zonder bewijs blijft onder de grens waarboven de run stopt",
        "The share of grants without proof stays under the limit that stops the run",
    ),
    "check.unproven_grant_share.warning": (
        "Het aandeel toestemmingen zonder bewijs blijft onder een tiende van die grens",
        "The share of grants without proof stays under a tenth of that limit",
    ),
    "check.unproven_grant_share_by_source_and_version": (
        "Geen bron of tekstversie heeft veel toestemmingen zonder bewijs",
        "No source or text version has many grants without proof",
    ),
    # what to do when a check did not pass: by frame and column, frame and severity, frame,
    # suite and expectation type, else suite
    "todo.raw_extracts.expect_column_to_exist": (
        ("Vraag de beheerder van de export de ontbrekende kolom terug te zetten; draai daarna de "
         "nacht opnieuw."),
        "Ask the export's owner to put the missing column back; then rerun the night.",
    ),
    "todo.raw_extracts.expect_column_values_to_not_be_null": (
        "Laat de genoemde rijen in de bron aanvullen; draai daarna de nacht opnieuw.",
        "Have the rows named completed in the source; then rerun the night.",
    ),
    "todo.raw_extracts.expect_column_values_to_be_unique": (
        "De export bevat dubbele nummers: laat de bron de dubbele rijen verwijderen.",
        "The export holds duplicate ids: have the source remove the duplicate rows.",
    ),
    "todo.raw_extracts.expect_column_values_to_be_in_set": (
        ("Laat de bron de onbekende waarden verbeteren, of laat het datateam het contract "
         "uitbreiden."),
        "Have the source correct the unknown values, or have the data team extend the contract.",
    ),
    "todo.raw_extracts.expect_table_row_count_to_equal": (
        "Het bestand is afgebroken of vervangen: vraag de export opnieuw aan.",
        "The file was truncated or replaced: ask for the export again.",
    ),
    "todo.raw_extracts.expect_table_row_count_to_be_between": (
        ("Vraag de bron of de export volledig is. Klopt hij, dan draait het datateam de nacht "
         "opnieuw met een ruimere marge (HYGIENE_VOLUME_BAND)."),
        ("Ask the source whether the export is complete. If it is, the data team reruns the "
         "night with a wider band (HYGIENE_VOLUME_BAND)."),
    ),
    "todo.raw_extracts": (
        "Laat de export herstellen en draai de nacht opnieuw.",
        "Have the export repaired and rerun the night.",
    ),
    "todo.consent_proof": (
        ("Zie het hoofdstuk Bewijs van toestemming (M4) van het privacyrapport: laat het "
         "ontbrekende bewijs aanvullen of vraag opnieuw toestemming."),
        ("See the chapter Proof of consent (M4) of the privacy report: have the missing proof "
         "added or ask for consent again."),
    ),
    "todo.consent_decisions_without_proof": (
        "Er is gemaild op een toestemming zonder bewijs: meld het direct aan het datateam.",
        "A decision rests on a grant without proof: tell the data team at once.",
    ),
    "todo.marts": (
        ("De lijsten spreken elkaar of de regels tegen: meld het aan het datateam. Tot het is "
         "opgelost blijven de lijsten van de vorige nacht staan (G1)."),
        ("The lists contradict each other or the rules: tell the data team. Until it is solved "
         "the previous night's lists stay (G1)."),
    ),
    "found.error": ("niet uitgevoerd: {error}", "not run: {error}"),
    "found.passed": ("in orde", "passed"),
    "found.rows": ("{count} rijen wijken af", "{count} rows break it"),
    "found.rows.unproven_grant_share_by_source_and_version": (
        "{count} combinaties van bron en tekstversie boven de grens",
        "{count} source and version pairs above the limit",
    ),
    "found.first_rows": ("eerste rijen: {rows}", "first rows: {rows}"),
    "found.column_missing": ("kolom ontbreekt", "column is missing"),
    "found.observed": ("gemeten {observed}, toegestaan {expected}",
                       "measured {observed}, allowed {expected}"),
    "found.observed_only": ("gemeten {observed}", "measured {observed}"),
    "found.exactly": ("precies {value}", "exactly {value}"),
    "found.at_most": ("hoogstens {value}", "at most {value}"),
    "found.at_least": ("minstens {value}", "at least {value}"),
    "found.between": ("tussen {low} en {high}", "between {low} and {high}"),
    "found.where": ("{where}, veld {column}", "{where}, field {column}"),
    "skip.manifest_rows": (
        ("De export had geen extract_manifest.json: het aantal rijen kon niet met de aankondiging "
         "worden vergeleken."),
        ("The export had no extract_manifest.json: the row count could not be compared with the "
         "announced one."),
    ),
    "skip.previous_rows": (
        "Er is geen eerdere goede run om het aantal rijen mee te vergelijken.",
        "There is no earlier good run to compare the row count with.",
    ),
    "skip.absent": ("Het optionele bestand {file} ontbrak vannacht: niets te controleren.",
                    "The optional file {file} was absent tonight: nothing to check."),
    "skip.unknown": ("Een waarde voor deze controle ontbrak: {names}.",
                     "A value this check needs was missing: {names}."),
    # ------------------------------------------------------------------ retention policy
    "policy.title": ("Bewaartermijnen voor de privacyverklaring (AVG art. 13 lid 2 onder a)",
                     "Retention periods for the privacy statement (GDPR art. 13(2)(a))"),
    "policy.intro": (
        ("Deze tabel kunt u overnemen in de privacyverklaring: per soort gegevens hoe lang ze "
         "worden bewaard, op welke grond en waarom. Een beleidskeuze is een termijn die de wet "
         "niet voorschrijft; u kunt hem aanpassen in het bewaarbeleid, zonder de software te "
         "wijzigen."),
        ("This table can be pasted into the privacy statement: per kind of data how long it is "
         "kept, on what ground and why. A policy choice is a period the law does not prescribe; "
         "you can change it in the retention policy without changing the software."),
    ),
    "policy.what": ("Gegevens", "Data"),
    "policy.term": ("Bewaartermijn", "Retention period"),
    "policy.basis": ("Grondslag", "Basis"),
    "policy.why": ("Waarom", "Why"),
    "policy.guards": ("Drempels van de controles", "Thresholds of the checks"),
    "policy.guards.intro": (
        "Geen bewaartermijnen, maar de grenzen waarmee de run zichzelf bewaakt.",
        "Not retention periods, but the limits the run guards itself with.",
    ),
    "policy.setting": ("Controle", "Check"),
    "policy.value": ("Waarde", "Value"),
    "policy.overridden": ("{value} (vannacht overschreven met {variable})",
                          "{value} (overridden tonight by {variable})"),
    "policy.version": ("Versie van het bewaarbeleid: {version}.",
                       "Retention policy version: {version}."),
    "policy.what.minimize_after_travel_end": (
        "Reizigers, bijzondere wensen en voorkeuren bij een reisovereenkomst",
        "Travellers, special requests and preferences of a travel agreement",
    ),
    "policy.term.minimize_after_travel_end": (("{period} na het einde van de reis, daarna "
                                              "geminimaliseerd"),
                                              "{period} after the end of the trip, then minimised"),
    "policy.what.fiscal_retention_after_book_year": (
        "Boekings- en factuurgegevens van een reisovereenkomst",
        "Booking and invoice data of a travel agreement",
    ),
    "policy.term.fiscal_retention_after_book_year": ("{period} na het einde van het boekjaar",
                                                     "{period} after the end of the book year"),
    "policy.what.unconfirmed_booking_retention": (
        "Offertes, opties en annuleringen die nooit een overeenkomst werden",
        "Quotes, options and cancellations that never became an agreement",
    ),
    "policy.term.unconfirmed_booking_retention": ("{period} na de aanvraag",
                                                  "{period} after the request"),
    "policy.what.prospect_inactivity_retention": (
        "Contacten die nooit klant werden en geen toestemming hebben",
        "Contacts who never became customers and have no consent",
    ),
    "policy.term.prospect_inactivity_retention": ("{period} na de laatste activiteit",
                                                  "{period} after the last activity"),
    "policy.what.prospect_retention_after_objection": (
        "Contacten die geen klant werden, na een afmelding of bezwaar",
        "Contacts who never became customers, after a withdrawal or objection",
    ),
    "policy.term.prospect_retention_after_objection": ("{period} na de afmelding of het bezwaar",
                                                       ("{period} after the withdrawal or "
                                                        "objection")),
    "policy.what.consent_evidence_retention": (
        "Bewijs van toestemmingen en afmeldingen",
        "Evidence of consents and withdrawals",
    ),
    "policy.term.consent_evidence_retention": (
        ("{period} na de laatste gebeurtenis, of na de verwijderdatum van het contact als die "
         "later is"),
        ("{period} after the latest event, or after the contact's deletion date when that is "
         "later"),
    ),
    "policy.what.published_run_retention": (
        ("Nachtelijke lijsten met adressen (onderdrukkings- en toestemmingslijsten, exports voor "
         "de mailtool)"),
        "Nightly lists with addresses (suppression and eligibility lists, mail-tool exports)",
    ),
    "policy.term.published_run_retention": ("{period} na de nacht", "{period} after the night"),
    "policy.what.deletion_hold_share": (
        "Omvang van de verwijderlijst: vasthouden boven dit deel van de contacten (G2)",
        "Size of the deletion list: held above this share of the contacts (G2)",
    ),
    "policy.what.max_unproven_grant_share": (
        "Toestemmingen zonder bewijs: de run stopt boven dit deel (M4)",
        "Grants without proof: the run stops above this share (M4)",
    ),
    "policy.what.volume_band": (
        "Marge voor het aantal rijen van een export tegenover de vorige run (G1)",
        "Band for an extract's row count against the previous run's (G1)",
    ),
    "policy.what.overdue_deletion_days": (
        "Achterstallige verwijdering: gemeld na zoveel dagen (G3)",
        "Overdue deletion: reported after this many days (G3)",
    ),
    "policy.what.deletion_approval_time": (
        "Goedkeuring van een vastgehouden verwijderlijst: zo lang wacht de vraag in Airflow (G2)",
        "Approval of a held deletion list: how long the question waits in Airflow (G2)",
    ),
    # ------------------------------------------------------------------ run facts
    "run.title": ("Gegevens van deze run (G4)", "Facts of this run (G4)"),
    "run.intro": (
        ("Waarmee deze uitkomst te herleiden is: de datum waarvoor is beslist, de versies van "
         "beleid en software, en van elke export het aantal rijen en de vingerafdruk (SHA-256)."),
        ("What makes this outcome traceable: the date decided for, the versions of policy and "
         "software, and per extract its rows and fingerprint (SHA-256)."),
    ),
    "run.date": ("Beslist voor (D)", "Decided for (D)"),
    "run.status": ("Status", "Status"),
    "run.policy": ("Versie bewaarbeleid", "Retention policy version"),
    "run.code": ("Versie software", "Software version"),
    "run.previous": ("Vorige run", "Previous run"),
    "run.previous.none": ("geen (eerste run)", "none (first run)"),
    "run.language": ("Taal van dit rapport", "Language of this report"),
    "run.language.value": ("Nederlands (HYGIENE_LANGUAGE=nl)", "English (HYGIENE_LANGUAGE=en)"),
    "run.inputs": ("Exports", "Extracts"),
    "run.file": ("Bestand", "File"),
    "run.rows": ("Rijen", "Rows"),
    "run.sha256": ("Vingerafdruk (SHA-256)", "Fingerprint (SHA-256)"),
    "run.rows.unknown": ("niet ingelezen", "not loaded"),
    # ------------------------------------------------------------------ a degraded night
    "degraded.glance": (
        ("Deze nacht is mislukt bij {task}. Toch is een noodversie gepubliceerd, zodat de "
         "afmeldingen en bezwaren van vannacht meteen gelden (G5)."),
        ("This night failed in {task}. A degraded version was still published, so that tonight's "
         "withdrawals and objections apply at once (G5)."),
    ),
    "degraded.due": ("vannacht wordt niets verwijderd (G5)", "nothing is deleted tonight (G5)"),
    "degraded.failed": ("Wat ging er mis", "What went wrong"),
    "degraded.failed.text": ("Het ging mis bij {task}.", "It went wrong in {task}."),
    "degraded.message": ("Technische melding voor het datateam",
                         "Technical message for the data team"),
    "degraded.no_message": ("geen melding vastgelegd; zie het logboek van de taak",
                            "no message recorded; see the task's log"),
    "degraded.read": ("Wat toch is gelezen en verwerkt", "What was still read and honoured"),
    "degraded.read.intro": (
        ("Uit de exports van vannacht zijn alleen de afmeldingen en bezwaren gelezen, met wat "
         "nodig is om ze bij de juiste adressen te krijgen (M6)."),
        ("Of tonight's extracts only the withdrawals and objections were read, with what it takes "
         "to reach the right addresses (M6)."),
    ),
    "degraded.read.rows": ("Gelezen rijen", "Rows read"),
    "degraded.read.unusable": ("niet gebruikt: {why}", "not used: {why}"),
    "degraded.new_stops": (
        ("{count} combinaties van adres en doel met een afmelding of bezwaar zijn uit de exports "
         "van vannacht gelezen; ze staan alle op de onderdrukkingslijst."),
        ("{count} address and purpose pairs with a withdrawal or objection were read from "
         "tonight's extracts; every one of them is on the suppression list."),
    ),
    "degraded.problem.missing": ("het bestand ontbreekt", "the file is missing"),
    "degraded.problem.not_readable": ("niet te lezen als {encoding}", "not readable as {encoding}"),
    "degraded.problem.columns_missing": ("kolom(men) {columns} ontbreken",
                                         "column(s) {columns} missing"),
    "degraded.problem.unreadable_csv": ("geen leesbaar CSV-bestand", "not a readable CSV file"),
    "degraded.not_done": ("Wat vannacht niet is gebeurd", "What did not happen tonight"),
    "degraded.not_done.removed": ("Geen onderdrukking is opgeheven.",
                                  "No suppression was lifted."),
    "degraded.not_done.added": ("Niemand is erbij gekomen op de lijst van wie gemaild mag worden.",
                                "Nobody was added to the list of who may be mailed."),
    "degraded.not_done.deleted": (
        "Er is geen verwijderlijst: vannacht wordt niets verwijderd of geminimaliseerd.",
        "There is no deletion list: nothing is deleted or minimised tonight.",
    ),
    "degraded.not_done.checked": (
        "De nieuwe toestemmingen, boekingen en termijnen van vannacht zijn niet verwerkt.",
        "Tonight's new grants, bookings and deadlines were not processed.",
    ),
    "degraded.todo": ("Wat te doen", "What to do"),
    "degraded.rerun": (
        "Draai daarna de nacht van {date} opnieuw: de goede run vervangt deze noodversie.",
        "Then rerun the night of {date}: the good run replaces this degraded one.",
    ),
    "task.verify_landing": ("de controle van de exports op volledigheid (G4)",
                            "the completeness check of the extracts (G4)"),
    "task.load_raw": ("het inlezen van de exports (G1)", "loading the extracts (G1)"),
    "task.check_raw": ("de kwaliteitscontrole van de exports (G1)",
                       "the quality check of the extracts (G1)"),
    "task.rules": ("het toepassen van de regels", "applying the rules"),
    "task.check_marts": ("de controle van de lijsten", "the check of the lists"),
    "task.guard_deletions": ("de omvangscontrole van de verwijderlijst (G2)",
                             "the size check of the deletion list (G2)"),
    "task.write_outputs": ("het schrijven van de lijsten", "writing the lists"),
    "task.write_report": ("het schrijven van het rapport", "writing the report"),
    "task.publish": ("het publiceren", "publishing"),
    "task.other": ("een stap van de nacht", "a step of the night"),
    "task.setting": ("het lezen van de instellingen", "reading the settings"),
    "task.stopped": ("{task}, omdat de verwerking daar is onderbroken",
                     "{task}, because processing was interrupted there"),
    "task_todo.verify_landing": (
        "Vraag de beheerders van CRM en boekingssysteem om een nieuwe, volledige export.",
        "Ask the CRM and booking-system owners for a new, complete export.",
    ),
    "task_todo.load_raw": (
        "De technische melding noemt bestand, rij en kolom: laat de export daar herstellen.",
        "The technical message names file, row and column: have the export repaired there.",
    ),
    "task_todo.check_raw": (
        "De technische melding noemt de controle die faalde: laat de export herstellen.",
        "The technical message names the check that failed: have the export repaired.",
    ),
    "task_todo.setting": (
        ("De technische melding noemt de instelling en welke waarden zij mag hebben: laat het "
         "datateam haar herstellen. Aan de exports ligt het niet."),
        ("The technical message names the setting and the values it may have: have the data "
         "team correct it. The extracts are not at fault."),
    ),
    "task_todo.stopped": (
        ("Iemand of een tijdslimiet op de server heeft de nacht onderbroken; aan de exports ligt "
         "het niet. Vraag het datateam waarom."),
        ("A person or a time limit on the server interrupted the night; the extracts are not at "
         "fault. Ask the data team why."),
    ),
    "task_todo.other": (
        "Meld het aan het datateam, met de technische melding onder \u201cWat ging er mis\u201d.",
        "Tell the data team, with the technical message under \u201cWhat went wrong\u201d.",
    ),
}


@dataclass(frozen=True)
class Words:
    """The catalogue in one language, with its way of writing numbers and dates."""

    language: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r}: expected one of {', '.join(LANGUAGES)}")

    def __call__(self, key: str, **values: object) -> str:
        """The message `key`, filled in. A key the catalogue lacks is a bug: KeyError."""
        text = MESSAGES[key][LANGUAGES.index(self.language)]
        return text.format(**values) if values else text

    def first(self, keys: list[str] | tuple[str, ...], **values: object) -> str:
        """The first of `keys` the catalogue has (from the most specific to the general)."""
        return self(first_key(keys), **values)

    def code(self, kind: str, value: object) -> str:
        """A code in words (`reason`, `no_basis` → "geen grondslag (M9)"); a code the catalogue
        does not know yet is shown as it is, so that a new code never breaks a night."""
        return self.maybe(f"{kind}.{value}", str(value))

    def failure(self, degraded: dict) -> tuple[str, str]:
        """What a degraded night (G5, its manifest's `degraded`) failed in, in words, and the
        step whose `task_todo.` says what to repair: a bad setting whatever task read it first,
        else the failed task (manifests written before 2026-12-02 have no cause); a stopped night
        names the task it was stopped in."""
        failed_step = (degraded.get("failed_task") or "").split(".")[0]
        step = degraded.get("cause") or failed_step
        task = self.first([f"task.{failed_step}", "task.other"])
        if step == "stopped":
            return step, self("task.stopped", task=task)
        if step != failed_step:
            return step, self.first([f"task.{step}", "task.other"])
        return step, task

    def counted(self, key: str, count: int, **values: object) -> str:
        """The message `key` about `count` things: `key.one` where the catalogue has it and the
        count is 1 (Dutch and English alike say "1 toestemming", never "1 toestemmingen")."""
        if count == 1 and f"{key}.one" in MESSAGES:
            return self(f"{key}.one", **values)
        return self(key, count=self.number(count), **values)

    def maybe(self, key: str, default: str, **values: object) -> str:
        """The message `key` where the catalogue has it (a code or a policy setting of data that
        may be newer than the catalogue), else `default`."""
        return self(key, **values) if key in MESSAGES else default

    # ---------------------------------------------------------------- numbers
    @property
    def _separators(self) -> tuple[str, str]:
        """(thousands, decimal)"""
        return (".", ",") if self.language == "nl" else (",", ".")

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return self("dash")
        thousands, decimal = self._separators
        text = f"{abs(value):,.{digits}f}".translate(str.maketrans({",": thousands, ".": decimal}))
        return MINUS + text if value < 0 else text

    def percent(self, share: float | None) -> str:
        """A share as a percentage with one decimal: 0.0708 → "7,1%"; never "0,0%" for a share
        that is not zero."""
        if share is None:
            return self("dash")
        if 0 < share < 0.0005:
            return self("number.less_than", value=self.number(0.1, 1) + "%")
        return self.number(share * 100, 1 if share * 100 % 1 else 0) + "%"

    def change(self, value: int | None) -> str:
        """+12, −3, or "gelijk"."""
        if not value:
            return self("number.no_change")
        return ("+" if value > 0 else "") + self.number(value)

    def share_or_number(self, value: float | None, column: str | None) -> str:
        """A measured value of a check: a share as a percentage, else a number."""
        if value is None:
            return self("dash")
        if column and "share" in column:
            return self.percent(value)
        return self.number(value, 0 if float(value).is_integer() else 2)

    # ---------------------------------------------------------------- dates
    def date(self, value: str | date | None) -> str:
        """2026-11-28 → "28 november 2026"."""
        if value is None:
            return self("dash")
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return self("date.long", day=day.day, month=self(f"month.{day.month}"), year=day.year)

    def short_date(self, value: str | date) -> str:
        """2026-11-28 → "28 nov" (chart axes)."""
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return f"{day.day} {self(f'month_short.{day.month}')}"

    def short_month(self, value: str) -> str:
        """2026-11 → "nov" (chart axes)."""
        return self(f"month_short.{int(str(value)[5:7])}")

    def moment(self, value: str | None) -> str:
        """An ISO timestamp with offset (Europe/Amsterdam) → "1 december 2026 om 10:00"."""
        if not value:
            return self("dash")
        moment = datetime.fromisoformat(value)
        return self("date.moment", date=self.date(moment.date()), time=moment.strftime("%H:%M"))

    def period(self, amount: str | int, unit: str) -> str:
        """A policy period: (7, years) → "7 jaar"."""
        amount = int(float(amount))
        key = f"period.{unit}.1" if amount == 1 else f"period.{unit}"
        return self(key, n=self.number(amount)) if key in MESSAGES else f"{amount} {unit}"

    def join(self, items: list[str]) -> str:
        """["a", "b", "c"] → "a, b en c"."""
        if len(items) < 2:
            return "".join(items)
        return self("list.and", first=", ".join(items[:-1]), last=items[-1])


def first_key(keys: list[str] | tuple[str, ...]) -> str:
    """The first of `keys` the catalogue has; the last one when none (then KeyError on use)."""
    return next((key for key in keys if key in MESSAGES), keys[-1])
