"""Demo landing extracts: a night's CRM, booking, consent and mail-tool exports of a travel firm.

The folder looks like what the source systems hand the pipeline (CONTRACT.md "Input"), mess
included: addresses typed in every spelling, shared and invalid addresses, bookings linked only by
e-mail or not at all, grants without proof, mixed timestamp and boolean spellings, and a few
events stamped late on D in UTC that are already the next day in Amsterdam.

Everything is generated in bulk by DuckDB SQL. Each pseudo-random value is a hash of (row key,
seed, field name), never `random()` and never the clock, so the same arguments give byte-identical
files on any number of threads, and a million contacts take seconds. Faker (nl_NL, seeded) only
fills small pools of names, user names and mail domains that the SQL indexes into.

In the SQL, `*_local` columns are Europe/Amsterdam wall-clock timestamps; they are rendered with
or without an offset only when written.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from faker import Faker

from hygiene.extracts import (
    BOOKINGS,
    CONSENT_EVENTS,
    CRM_CONTACTS,
    MAILTOOL_UNSUBSCRIBES,
    MANIFEST_FILE,
    READY_FILE,
    Extract,
)
from hygiene.sql_text import string_literal

# ---------- proportions (shares of contacts unless said otherwise)
CUSTOMER_SHARE = 0.38  # contacts with at least one binding agreement
GUEST_SHARE = 0.03  # people who booked without ever being in the CRM (R9), per contact
SHARED_EMAIL_SHARE = 0.04  # households and CRM duplicates reusing another contact's address
MISSING_EMAIL_SHARE = 0.04  # phone- or paper-only contacts
LEGAL_HOLD_SHARE_CUSTOMERS = 0.011  # open complaints and claims are mostly customers'
LEGAL_HOLD_SHARE_PROSPECTS = 0.0015  # ... together about 0.5 % of contacts
UNSUBSCRIBE_SHARE = 0.03  # contacts with an e-mail who unsubscribed in the mail tool
LATE_EVENT_SHARE = 0.004  # contacts with an event at D 23:xx UTC, already D + 1 in Amsterdam

# A shared address belongs to the first contact of its block of ids: a pure function of the id,
# so no join is needed, and an address owner never borrows someone else's address itself.
HOUSEHOLD_BLOCK = 16
MAX_BOOKINGS_PER_PERSON = 16  # booking keys are person * 16 + k
MAX_EVENTS_PER_CONTACT = 32  # event keys are contact * 32 + slot

# ---------- pools (small, built by Faker; the SQL indexes into them)
FIRST_NAME_POOL = 3000
LAST_NAME_POOL = 3000
USER_NAME_POOL = 2000
BUSINESS_DOMAIN_POOL = 12  # own domains, mostly small businesses
# Dutch consumer mail domains, repeated by rough market share so that a uniform pick is weighted.
CONSUMER_DOMAINS = (
    ("gmail.com", 30),
    ("hotmail.com", 16),
    ("outlook.com", 8),
    ("ziggo.nl", 8),
    ("kpnmail.nl", 6),
    ("hotmail.nl", 6),
    ("live.nl", 5),
    ("icloud.com", 4),
    ("planet.nl", 3),
    ("home.nl", 3),
    ("xs4all.nl", 2),
    ("yahoo.com", 2),
    ("upcmail.nl", 2),
    ("hetnet.nl", 1),
    ("telfort.nl", 1),
    ("casema.nl", 1),
    ("online.nl", 1),
    ("msn.com", 1),
)

BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class GeneratedLanding:
    """Where the landing folder was written and how many data rows each extract has."""

    folder: Path
    contacts: int
    bookings: int
    consent_events: int
    mailtool_unsubscribes: int

    def rows_by_file(self) -> dict[str, int]:
        return {
            CRM_CONTACTS.file_name: self.contacts,
            BOOKINGS.file_name: self.bookings,
            CONSENT_EVENTS.file_name: self.consent_events,
            MAILTOOL_UNSUBSCRIBES.file_name: self.mailtool_unsubscribes,
        }


def generate_landing(
    out_dir: Path,
    run_date: date,
    contacts: int,
    seed: int = 7,
    dutch_spreadsheet: bool = False,
) -> GeneratedLanding:
    """Write one day's landing folder for `run_date` (D) into `out_dir` itself.

    The four extracts come first, then `extract_manifest.json`, and `_READY` last, so a watcher
    never sees a half-written folder. `dutch_spreadsheet` writes `;`-delimited files with a UTF-8
    BOM, as Dutch Excel exports are.
    """
    if contacts < 1:
        raise ValueError(f"contacts must be at least 1, got {contacts}: ask for a positive number.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A _READY left by an earlier generation would announce files that are being rewritten.
    (out_dir / READY_FILE).unlink(missing_ok=True)

    people = contacts + round(contacts * GUEST_SHARE)
    contact_id_width = max(7, len(str(people)))
    con = duckdb.connect()
    try:
        _define_macros(con, seed, run_date)
        _load_pools(con, seed)
        con.execute(_people_sql(contacts, people, contact_id_width))
        con.execute(_bookings_sql())
        con.execute(_consent_events_sql())
        con.execute(_unsubscribes_sql())
        booking_id_width = _id_width(con, "bookings")
        event_id_width = _id_width(con, "consent_events")
        # Bookings and events are stored in key order already; the others are sorted on the way out.
        writes = (
            (CRM_CONTACTS, _contacts_query(), "i"),
            (BOOKINGS, _bookings_query(booking_id_width), None),
            (CONSENT_EVENTS, _consent_events_query(event_id_width, contact_id_width), None),
            (MAILTOOL_UNSUBSCRIBES, _unsubscribes_query(), "unsubscribed_instant, email, m"),
        )
        rows = {
            extract.file_name: _copy_csv(con, extract, query, order_by, out_dir, dutch_spreadsheet)
            for extract, query, order_by in writes
        }
    finally:
        con.close()

    _write_manifest(out_dir, rows)
    (out_dir / READY_FILE).write_bytes(b"")
    return GeneratedLanding(
        folder=out_dir,
        contacts=rows[CRM_CONTACTS.file_name],
        bookings=rows[BOOKINGS.file_name],
        consent_events=rows[CONSENT_EVENTS.file_name],
        mailtool_unsubscribes=rows[MAILTOOL_UNSUBSCRIBES.file_name],
    )


# -------------------------------------------------------------------------------------- pools


def _slug(text: str, keep: str = "") -> str:
    """ASCII lower-case letters and digits (plus `keep`), as people type names into addresses."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(f"[^a-z0-9{re.escape(keep)}]", "", ascii_text.lower())


def _load_pools(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Faker pools as tables `first_names`, `last_names`, `user_names`, `domains` (idx from 0).

    Drawing with repetition keeps Faker's frequencies: common names recur as in a real CRM. Each
    table gets a macro `<table>_pick(key, field)` that draws one idx.
    """
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    first = [fake.first_name() for _ in range(FIRST_NAME_POOL)]
    last = [fake.last_name() for _ in range(LAST_NAME_POOL)]
    # No '_' in CRM local parts: addresses of people outside the CRM have one, so never match.
    user = [_slug(fake.user_name(), keep=".-").strip(".-") for _ in range(USER_NAME_POOL)]
    domains = [name for name, weight in CONSUMER_DOMAINS for _ in range(weight)]
    domains += [fake.domain_name() for _ in range(BUSINESS_DOMAIN_POOL)]

    pools: dict[str, dict[str, list[str]]] = {
        "first_names": {"name": first, "slug": [_slug(name) for name in first]},
        "last_names": {"name": last, "slug": [_slug(name) for name in last]},
        "user_names": {"local_part": [name or "reiziger" for name in user]},
        "domains": {"domain": domains},
    }
    for table_name, columns in pools.items():
        # Lists passed as parameters and unnested: far faster than registering a data frame.
        values = ", ".join(f"unnest(${name}) as {name}" for name in columns)
        first_column = next(iter(columns))
        con.execute(
            f"create table {table_name} as select {values}, "
            f"(generate_subscripts(${first_column}, 1) - 1)::integer as idx",
            columns,
        )
        size = len(columns[first_column])
        con.execute(f"create macro {table_name}_pick(k, field) as pick(k, field, {size})")


# ------------------------------------------------------------------------------------- macros


def _define_macros(con: duckdb.DuckDBPyConnection, seed: int, run_date: date) -> None:
    """SQL helpers: hash-based draws, Amsterdam times and the typed (messy) spellings."""
    seed = int(seed)  # interpolated into SQL: make sure it is a number
    for macro in (
        # ---------- draws: a hash of (key, seed, field), the same on any thread. The salts differ,
        # so a u() and a pick() of one field are independent.
        f"u(k, field, salt := 0) as (hash(k, {seed}, field, salt) % 1000003) / 1000003.0",
        f"pick(k, field, n, salt := 1) as (hash(k, {seed}, field, salt) % n)::integer",
        f"hex_ref(k, field) as lower(left(hex(hash(k, {seed}, field, 2)), 12))",
        # ---------- time: everything is relative to D, in Europe/Amsterdam wall-clock time
        f"run_date() as date '{run_date.isoformat()}'",
        "evening_of_run_date() as run_date()::timestamp + interval '22:59:59'",
        # EU summer time runs from the last Sunday of March to the last Sunday of October; the
        # generated times of day (07:00-23:00) stay clear of the switching hours.
        "last_sunday(y, m) as make_date(y, m, 31) - dayofweek(make_date(y, m, 31))::integer",
        "is_summer_time(d) as d >= last_sunday(year(d), 3) and d < last_sunday(year(d), 10)",
        "utc_offset_hours(local_ts) as case when is_summer_time(local_ts::date) then 2 else 1 end",
        """daytime(d, k, field) as
            d::timestamp + to_seconds(7 * 3600 + pick(k, field, 16 * 3600))""",
        # A moment after `start_ts`, on or before the evening of D.
        """local_between(start_ts, k, field) as greatest(
            start_ts + interval 1 minute,
            daytime(
                start_ts::date + floor(u(k, field) * (run_date() - start_ts::date + 1))::integer,
                k,
                field
            )
        )""",
        # D 23:xx UTC, which is already D + 1 in Amsterdam: a run for D must ignore it (M4).
        """late_on_run_date(k, field) as run_date()::timestamp + interval 23 hour
            + to_seconds(pick(k, field, 3600))
            + to_hours(utc_offset_hours((run_date() + 1)::timestamp))""",
        # ---------- typed spellings: each source system has its habits, people type the rest
        # A cast prints YYYY-MM-DD HH:MM:SS twice as fast as strftime; times are whole seconds.
        """render_ts(local_ts, style) as case style
            when 'offset' then replace(local_ts::varchar, ' ', 'T')
                || case when is_summer_time(local_ts::date) then '+02:00' else '+01:00' end
            when 'utc' then replace(
                (local_ts - to_hours(utc_offset_hours(local_ts)))::varchar, ' ', 'T'
            ) || 'Z'
            else local_ts::varchar
        end""",
        """ts_style(roll, share_local, share_offset) as case
            when roll < share_local then 'local'
            when roll < share_local + share_offset then 'offset'
            else 'utc'
        end""",
        # `variant` 0-2 picks the flavour of invalid, upper-cased or padded address.
        """typed_email(local_part, domain, roll, variant, share_invalid, share_case, share_space)
        as case
            when roll < share_invalid then case variant
                when 0 then local_part || domain
                else local_part || '@' || split_part(domain, '.', 1)
            end
            when roll < share_invalid + share_case then case variant
                when 0 then upper(local_part || '@' || domain)
                else upper(left(local_part, 1)) || substr(local_part, 2)
                    || '@' || upper(left(domain, 1)) || substr(domain, 2)
            end
            when roll < share_invalid + share_case + share_space then case variant
                when 0 then ' ' || local_part || '@' || domain
                when 1 then local_part || '@' || domain || ' '
                else '  ' || local_part || '@' || domain || ' '
            end
            else local_part || '@' || domain
        end""",
        # `digits`: the 8 digits after 06 of a Dutch mobile number; `variant` 0-5 its spelling.
        """typed_phone(digits, roll, variant, share_invalid) as case
            when roll < share_invalid then case variant % 4
                when 0 then '06 ' || left(digits, 7)
                when 1 then '06-' || left(digits, 5) || 'xxx'
                when 2 then '+31 6 ' || digits || '0'
                else 'onbekend'
            end
            else case variant
                when 0 then '06 ' || digits
                when 1 then '06-' || digits
                when 2 then '+31 6 ' || left(digits, 4) || ' ' || right(digits, 4)
                when 3 then '00316' || digits
                when 4 then '+316' || digits
                else '06' || digits
            end
        end""",
        # Mostly the system's own spelling, sometimes one of five others (`variant` 0-5).
        """typed_bool(value, roll, variant) as
            (case when value then ['true', '1', 'ja', 'yes', 'Ja', 'TRUE']
                else ['false', '0', 'nee', 'no', 'Nee', 'FALSE'] end)
            [case when roll < 0.7 then 1 else variant + 1 end]""",
        """amount(product_type, roll) as (case product_type
            when 'package' then 450 + 4500 * roll * roll
            when 'flight' then 60 + 900 * roll * roll
            when 'accommodation' then 120 + 2400 * roll * roll
            when 'car_rental' then 90 + 700 * roll
            when 'excursion' then 15 + 185 * roll
            when 'insurance' then 12 + 140 * roll
            else 10 + 400 * roll
        end)::decimal(12, 2)""",
    ):
        con.execute(f"create macro {macro}")


# ------------------------------------------------------------------------------------- people


def _people_sql(contacts: int, people: int, contact_id_width: int) -> str:
    """Table `people`: the CRM contacts (1..contacts), then guests who only ever booked (R9)."""
    return f"""
    create table people as
    with ids as (
        select
            range as i,
            range > {contacts} as is_guest,
            range > {contacts} or u(range, 'customer') < {CUSTOMER_SHARE} as is_customer,
            'C' || lpad(range::varchar, {contact_id_width}, '0') as contact_id,
            u(range, 'source') as source_roll,
        from range(1, {people} + 1)
    ),

    sourced as (
        select
            *,
            case
                when is_customer then case
                    when source_roll < 0.72 then 'booking'
                    when source_roll < 0.84 then 'newsletter'
                    when source_roll < 0.93 then 'account'
                    when source_roll < 0.96 then 'contest'
                    when source_roll < 0.98 then 'import'
                    else 'other'
                end
                else case
                    when source_roll < 0.36 then 'newsletter'
                    when source_roll < 0.55 then 'account'
                    when source_roll < 0.67 then 'contest'
                    when source_roll < 0.75 then 'survey'
                    when source_roll < 0.89 then 'import'
                    -- a quote or option made them a contact, not a customer (M3)
                    when source_roll < 0.95 then 'booking'
                    else 'other'
                end
            end as signup_source,
            case
                when is_guest or (i - 1) % {HOUSEHOLD_BLOCK} = 0 then null
                when u(i, 'share') >= {SHARED_EMAIL_SHARE} then null
                when u(i, 'share_kind') < 0.5 then 'household'
                else 'duplicate' -- the same person entered twice
            end as share_kind,
        from ids
    ),

    shared as (
        select
            *,
            case when share_kind is null then i else i - (i - 1) % {HOUSEHOLD_BLOCK} end
                as email_owner,
        from sourced
    ),

    named as (
        select
            shared.*,
            case when share_kind = 'duplicate' then owner_first.name else own_first.name end
                as first_name,
            case when share_kind is null then own_last.name else owner_last.name end as last_name,
            -- the address is the owner's, made from the owner's name
            pick(email_owner, 'email_style', 10) as email_style,
            case
                when email_style < 4 then owner_first.slug || '.' || owner_last.slug
                    || case when u(email_owner, 'email_number') < 0.4
                        then (10 + pick(email_owner, 'email_number', 90))::varchar else '' end
                when email_style = 4 then owner_first.slug || owner_last.slug
                when email_style = 5 then left(owner_first.slug, 1) || '.' || owner_last.slug
                when email_style = 6
                    then owner_first.slug || (60 + pick(email_owner, 'birth_year', 40))::varchar
                when email_style = 9 then owner_last.slug || '.' || owner_first.slug
                else user_name.local_part
            end as email_local,
            domain.domain as email_domain,
            -- another address of the person (work, partner): '_' never occurs in CRM addresses
            alt_first.slug || '_' || alt_last.slug
                || (1000 + pick(i, 'alt_number', 9000))::varchar as alt_email_local,
            alt_domain.domain as alt_email_domain,
        from shared
        join first_names as own_first on own_first.idx = first_names_pick(i, 'first_name')
        join last_names as own_last on own_last.idx = last_names_pick(i, 'last_name')
        join first_names as owner_first
            on owner_first.idx = first_names_pick(email_owner, 'first_name')
        join last_names as owner_last
            on owner_last.idx = last_names_pick(email_owner, 'last_name')
        join user_names as user_name on user_name.idx = user_names_pick(email_owner, 'user_name')
        join domains as domain on domain.idx = domains_pick(email_owner, 'domain')
        join first_names as alt_first on alt_first.idx = first_names_pick(i, 'alt_first_name')
        join last_names as alt_last on alt_last.idx = last_names_pick(i, 'alt_last_name')
        join domains as alt_domain on alt_domain.idx = domains_pick(i, 'alt_domain')
    ),

    reachable as (
        select
            *,
            u(email_owner, 'no_email') >= {MISSING_EMAIL_SHARE} as has_email,
            u(i, 'phone') < case
                when is_customer then 0.7 when signup_source = 'account' then 0.35 else 0.15
            end as has_phone,
            (10000000 + pick(i, 'phone_digits', 90000000))::varchar as phone_digits,
            -- ten years of contacts, more of them recent
            daytime(
                run_date() - floor(3650 * pow(u(i, 'age'), 1.3))::integer, i, 'created_at'
            ) as created_local,
        from named
    ),

    typed as (
        select
            *,
            case when has_email then typed_email(
                email_local, email_domain,
                u(i, 'email_typing'), pick(i, 'email_typing', 3), 0.006, 0.08, 0.03
            ) end as email,
            case when has_phone then typed_phone(
                phone_digits, u(i, 'phone_typing'), pick(i, 'phone_typing', 6), 0.01
            ) end as phone,
            case
                when signup_source = 'booking' or is_guest then created_local
                else local_between(created_local, i, 'first_booking_at')
            end as first_booking_local,
            -- binding agreements: 1-5, mostly 1-2
            case
                when is_guest then case when u(i, 'bindings') < 0.8 then 1 else 2 end
                when not is_customer then 0
                when u(i, 'bindings') < 0.45 then 1
                when u(i, 'bindings') < 0.72 then 2
                when u(i, 'bindings') < 0.86 then 3
                when u(i, 'bindings') < 0.94 then 4
                else 5
            end as binding_bookings,
            -- quotes, options and cancellations that never became an agreement
            case
                when is_guest then case when u(i, 'unconfirmed') < 0.7 then 0 else 1 end
                -- 0-5: customers compare several quotes
                when is_customer then pick(i, 'unconfirmed', 6)
                when signup_source = 'booking' then 1 + pick(i, 'unconfirmed', 2)
                when u(i, 'unconfirmed') < 0.75 then 0
                when u(i, 'unconfirmed') < 0.90 then 1
                when u(i, 'unconfirmed') < 0.97 then 2
                else 3
            end as unconfirmed_bookings,
            u(i, 'legal_hold') < case
                when is_customer then {LEGAL_HOLD_SHARE_CUSTOMERS} else {LEGAL_HOLD_SHARE_PROSPECTS}
            end as has_legal_hold,
        from reachable
    )

    select
        i,
        is_guest,
        is_customer,
        contact_id,
        signup_source,
        first_name,
        last_name,
        has_email,
        email_local,
        email_domain,
        email,
        alt_email_local,
        alt_email_domain,
        has_phone,
        phone_digits,
        phone,
        created_local,
        first_booking_local,
        binding_bookings,
        unconfirmed_bookings,
        has_legal_hold,
    from typed
    """


def _contacts_query() -> str:
    return """
    select
        contact_id,
        email,
        phone,
        first_name,
        last_name,
        render_ts(created_local, ts_style(u(i, 'ts_style'), 0.6, 0.3)) as created_at,
        signup_source,
        case
            when not has_legal_hold and u(i, 'legal_hold_typing') < 0.4 then null -- means false
            else typed_bool(has_legal_hold, u(i, 'bool_typing'), pick(i, 'bool_typing', 6))
        end as legal_hold,
        i,
    from people
    where not is_guest
    """


# ----------------------------------------------------------------------------------- bookings


def _bookings_sql() -> str:
    """Table `bookings`: one row per booking, quote or option, stored in booking-number order."""
    return f"""
    create table bookings as
    with slots as (
        select
            i,
            unnest(range(binding_bookings + unconfirmed_bookings)) as k,
            binding_bookings,
            is_guest,
            contact_id,
            has_email,
            email_local,
            email_domain,
            alt_email_local,
            alt_email_domain,
            has_phone,
            phone_digits,
            first_booking_local,
        from people
        where binding_bookings + unconfirmed_bookings > 0
    ),

    booked as (
        select
            *,
            i * {MAX_BOOKINGS_PER_PERSON} + k as b,
            -- a customer's first booking is an agreement; quotes come before and after
            k < binding_bookings as is_binding,
            case
                when k = 0 then first_booking_local
                else local_between(first_booking_local, b, 'booked_at')
            end as booked_local,
            u(b, 'product') as product_roll,
            case
                when product_roll < 0.42 then 'package'
                when product_roll < 0.62 then 'flight'
                when product_roll < 0.82 then 'accommodation'
                when product_roll < 0.88 then 'car_rental'
                when product_roll < 0.93 then 'excursion'
                when product_roll < 0.97 then 'insurance'
                else 'other'
            end as product_type,
        from slots
    ),

    travelled as (
        select
            *,
            case
                when product_type = 'insurance' and u(b, 'undated') < 0.3 then null
                when product_type = 'other' and u(b, 'undated') < 0.5 then null
                when product_type = 'excursion' then booked_local::date + pick(b, 'lead_days', 30)
                else booked_local::date + 3 + floor(330 * pow(u(b, 'lead_days'), 1.6))::integer
            end as departure_date,
            case
                when is_binding then greatest(booked_local, least(
                    case
                        when u(b, 'confirm_delay') < 0.6
                            then booked_local + to_seconds(pick(b, 'confirm_delay', 7200))
                        -- an option confirmed days later
                        else daytime(
                            booked_local::date + 1 + pick(b, 'confirm_days', 14), b, 'confirmed_at'
                        )
                    end,
                    evening_of_run_date()
                ))
            end as confirmed_local,
        from booked
    ),

    invoiced as (
        select
            *,
            case
                when departure_date is null then null
                when product_type = 'excursion' then departure_date
                when product_type = 'flight' and u(b, 'one_way') < 0.15 then null
                when product_type = 'accommodation' then departure_date + 2 + pick(b, 'nights', 13)
                else departure_date + 3 + pick(b, 'nights', 19)
            end as return_date,
            -- after confirmation, sometimes in the next book year; not yet sent if that is after D
            confirmed_local::date + pick(b, 'invoice_days', 45) as invoice_date,
            case
                when u(b, 'invoiced') < 0.93 and invoice_date <= run_date() then invoice_date
            end as invoiced_on,
        from travelled
    ),

    statused as (
        select
            *,
            coalesce(return_date, departure_date, confirmed_local::date) as travel_end,
            case
                -- cancelled after confirmation: the agreement existed all the same
                when is_binding and u(b, 'status') < 0.07 then 'cancelled'
                -- the booking system does not always close finished trips
                when is_binding and travel_end < run_date() and u(b, 'stale') < 0.05
                    then 'confirmed'
                when is_binding and travel_end < run_date() then 'completed'
                when is_binding then 'confirmed'
                when u(b, 'status') < 0.45 then 'quote'
                when u(b, 'status') < 0.70 then 'option'
                else 'cancelled'
            end as status,
            case
                when is_guest then 'alternative'
                when u(b, 'booker_email') < 0.05 then 'none' -- booked by phone
                -- a work or partner address, or the only one when the CRM has none
                when not has_email or u(b, 'booker_email') < 0.09 then 'alternative'
                else 'own'
            end as booker_email_kind,
            case
                when u(b, 'booker_phone') < case when has_phone then 0.2 else 0.6 end then 'none'
                -- a partner's number, or a new one the CRM does not have
                when not has_phone or u(b, 'booker_phone') < 0.24 then 'other'
                else 'own'
            end as booker_phone_kind,
        from invoiced
    ),

    addressed as (
        select
            *,
            case booker_email_kind
                when 'alternative' then typed_email(
                    alt_email_local, alt_email_domain, u(b, 'booker_typing'), 1, 0, 0.05, 0.02
                )
                when 'own' then typed_email(
                    email_local, email_domain,
                    u(b, 'booker_typing'), pick(b, 'booker_typing', 3), 0, 0.10, 0.04
                )
            end as booker_email,
            -- the booking system knows the CRM key, except where it matched the booker by e-mail
            case
                -- a contact the CRM has since deleted
                when is_guest and u(i, 'orphan') < 0.1 then contact_id
                when is_guest then null
                when booker_email_kind = 'own' and u(b, 'by_email_only') < 0.06 then null
                else contact_id
            end as booking_contact_id,
            case when booker_phone_kind <> 'none' then typed_phone(
                case when booker_phone_kind = 'own' then phone_digits
                    else (10000000 + pick(b, 'booker_digits', 90000000))::varchar end,
                u(b, 'booker_phone_typing'), pick(b, 'booker_phone_typing', 6), 0.005
            ) end as booker_phone,
            -- a clear opt-out on the booking form: rarer before the GDPR forms of 2018
            u(b, 'optout_offered') < case when year(booked_local) < 2018 then 0.75 else 0.95 end
                as is_optout_offered,
        from statused
    )

    -- Booking systems number bookings as they are made. Stored in that order, rowid + 1 is the
    -- booking number and the CSV needs no second sort of the rendered rows.
    select
        b,
        booked_local,
        booking_contact_id,
        booker_email,
        booker_phone,
        status,
        confirmed_local,
        invoiced_on,
        product_type,
        departure_date,
        return_date,
        is_optout_offered,
    from addressed
    order by booked_local, b
    """


def _bookings_query(booking_id_width: int) -> str:
    """The rendered rows, in the stored (booking number) order."""
    return f"""
    select
        'B' || lpad(booking_seq::varchar, {booking_id_width}, '0') as booking_id,
        booking_contact_id as contact_id,
        booker_email,
        booker_phone,
        render_ts(booked_local, ts_style) as booked_at,
        status,
        render_ts(confirmed_local, ts_style) as confirmed_at,
        case
            when u(b, 'invoice_typing') < 0.85 then invoiced_on::varchar
            else render_ts(daytime(invoiced_on, b, 'invoiced_at'), ts_style)
        end as invoiced_at,
        product_type,
        departure_date::varchar as departure_date,
        return_date::varchar as return_date,
        amount(product_type, u(b, 'amount'))::varchar as total_amount,
        typed_bool(is_optout_offered, u(b, 'bool_typing'), pick(b, 'bool_typing', 6))
            as marketing_optout_offered,
    from (
        select
            rowid + 1 as booking_seq,
            *,
            ts_style(u(b, 'ts_style'), 0.4, 0.5) as ts_style,
        from bookings
    )
    """


# ----------------------------------------------------------------------------- consent events


def _consent_events_sql() -> str:
    """Table `consent_events`: the CRM's append-only consent log, stored in event-number order.

    Each kind of event is one CTE over the contacts who have it: signup grants (with proof, or
    imported without), booking-form and SMS grants, withdrawals, objections, re-permissions.
    """
    return f"""
    create table consent_events as
    with flagged as (
        -- read by every kind of event, so DuckDB materializes it: keep it narrow
        select
            i,
            is_customer,
            signup_source,
            created_local,
            first_booking_local,
            u(i, 'signup_grant') < case signup_source
                when 'newsletter' then 0.98
                when 'account' then 0.55
                when 'contest' then 0.7
                when 'survey' then 0.35
                when 'import' then 0.9
                when 'other' then 0.4
                else 0
            end as has_signup_grant,
            case signup_source
                when 'newsletter' then 'double_opt_in'
                -- "receives the newsletter since": imported without proof, so no consent (M4)
                when 'import' then 'import'
                when 'other' then case when u(i, 'signup_channel') < 0.5
                    then 'paper' else 'call_center' end
                else 'web_form'
            end as signup_grant_source,
            is_customer and u(i, 'booking_form_grant') < 0.55 as has_booking_form_grant,
            u(i, 'withdrawal') as withdrawal_roll,
            local_between(created_local, i, 'withdrawn_at') as withdrawn_local,
        from people
        where not is_guest
    ),

    engaged as (
        select
            * exclude (withdrawal_roll),
            has_signup_grant or has_booking_form_grant as gets_marketing,
            withdrawal_roll < case when gets_marketing then 0.16 else 0.02 end as has_withdrawal,
        from flagged
    ),

    signup_grants as (
        select
            i,
            1 as slot,
            created_local as occurred_local,
            'email' as channel,
            case when signup_source = 'contest' and u(i, 'signup_purpose') < 0.4
                then 'partner_offers' else 'newsletter' end as purpose,
            'grant' as action,
            signup_grant_source as source,
        from engaged
        where has_signup_grant
    ),

    -- the "also send me offers" box on the same form
    signup_offer_grants as (
        select
            i,
            2 as slot,
            created_local + interval 1 second as occurred_local,
            'email' as channel,
            case when u(i, 'offers_purpose') < 0.2 then 'all' else 'offers' end as purpose,
            'grant' as action,
            signup_grant_source as source,
        from engaged
        where has_signup_grant and u(i, 'offers_grant') < case signup_source
            when 'newsletter' then 0.45 when 'account' then 0.35 when 'contest' then 0.5 else 0.2
        end
    ),

    booking_form_grants as (
        select
            i,
            3 as slot,
            first_booking_local + interval 2 minute as occurred_local,
            'email' as channel,
            case
                when u(i, 'booking_form_purpose') < 0.5 then 'newsletter'
                when u(i, 'booking_form_purpose') < 0.8 then 'offers'
                else 'all'
            end as purpose,
            'grant' as action,
            'booking_form' as source,
        from engaged
        where has_booking_form_grant
    ),

    sms_grants as (
        select
            i,
            4 as slot,
            local_between(created_local, i, 'sms_granted_at') as occurred_local,
            'sms' as channel,
            case when u(i, 'sms_purpose') < 0.7 then 'offers' else 'all' end as purpose,
            'grant' as action,
            case
                when is_customer then 'booking_form'
                when u(i, 'sms_source') < 0.7 then 'web_form'
                else 'call_center'
            end as source,
        from engaged
        where u(i, 'sms_grant') < case
            when is_customer then 0.18
            when signup_source in ('account', 'contest') then 0.08
            else 0.02
        end
    ),

    partner_grants as (
        select
            i,
            5 as slot,
            local_between(created_local, i, 'partner_granted_at') as occurred_local,
            'email' as channel,
            'partner_offers' as purpose,
            'grant' as action,
            'web_form' as source,
        from engaged
        where gets_marketing and u(i, 'partner_grant') < 0.08
    ),

    withdrawals as (
        select
            i,
            6 as slot,
            withdrawn_local as occurred_local,
            case
                when u(i, 'withdrawal_channel') < 0.7 then 'email'
                when u(i, 'withdrawal_channel') < 0.8 then 'sms'
                else 'all'
            end as channel,
            case
                when u(i, 'withdrawal_purpose') < 0.4 then 'newsletter'
                when u(i, 'withdrawal_purpose') < 0.65 then 'offers'
                when u(i, 'withdrawal_purpose') < 0.75 then 'partner_offers'
                else 'all'
            end as purpose,
            'withdraw' as action,
            case
                when u(i, 'withdrawal_source') < 0.4 then 'web_form'
                when u(i, 'withdrawal_source') < 0.75 then 'mail_tool'
                when u(i, 'withdrawal_source') < 0.9 then 'call_center'
                else 'paper'
            end as source,
        from engaged
        where has_withdrawal
    ),

    -- a later provable grant restores what the withdrawal ended (M5)
    regrants as (
        select
            i,
            7 as slot,
            local_between(withdrawn_local, i, 'regranted_at') as occurred_local,
            'email' as channel,
            'newsletter' as purpose,
            'grant' as action,
            'double_opt_in' as source,
        from engaged
        where has_withdrawal and u(i, 'regrant') < 0.2
    ),

    objections as (
        select
            i,
            8 as slot,
            local_between(created_local, i, 'objected_at') as occurred_local,
            case
                when u(i, 'objection_channel') < 0.6 then 'all'
                when u(i, 'objection_channel') < 0.9 then 'email'
                else 'sms'
            end as channel,
            case when u(i, 'objection_purpose') < 0.8 then 'all' else 'offers' end as purpose,
            'object' as action,
            case
                when u(i, 'objection_source') < 0.35 then 'mail_tool'
                when u(i, 'objection_source') < 0.6 then 'call_center'
                when u(i, 'objection_source') < 0.75 then 'paper'
                when u(i, 'objection_source') < 0.95 then 'web_form'
                else 'other'
            end as source,
        from engaged
        where u(i, 'objection') < case when gets_marketing then 0.05 else 0.01 end
    ),

    -- stamped D 23:xx UTC, already D + 1 in Amsterdam: a run for D must ignore them (M4)
    late_events as (
        select
            i,
            9 as slot,
            late_on_run_date(i, 'late_at') as occurred_local,
            'email' as channel,
            'all' as purpose,
            case when u(i, 'late_action') < 0.5 then 'withdraw' else 'object' end as action,
            'web_form' as source,
        from engaged
        where u(i, 'late_event') < {LATE_EVENT_SHARE}
    ),

    -- re-permission campaigns and preference-centre saves of people who get mail: 0-5 each
    preference_updates as (
        select
            i,
            10 + r as slot,
            local_between(created_local, i * 8 + r, 'preference_at') as occurred_local,
            'email' as channel,
            case
                when u(i * 8 + r, 'preference_purpose') < 0.5 then 'newsletter'
                when u(i * 8 + r, 'preference_purpose') < 0.85 then 'offers'
                else 'all'
            end as purpose,
            'grant' as action,
            case when u(i * 8 + r, 'preference_source') < 0.5
                then 'double_opt_in' else 'web_form' end as source,
        from (
            select i, created_local, unnest(range(pick(i, 'preference_updates', 6))) as r
            from engaged
            where gets_marketing
        )
    ),

    events as (
        select * from signup_grants
        union all by name select * from signup_offer_grants
        union all by name select * from booking_form_grants
        union all by name select * from sms_grants
        union all by name select * from partner_grants
        union all by name select * from withdrawals
        union all by name select * from regrants
        union all by name select * from objections
        union all by name select * from late_events
        union all by name select * from preference_updates
    )

    -- The CRM numbers events as they happen: stored in that order, rowid + 1 is the number.
    select
        i * {MAX_EVENTS_PER_CONTACT} + slot as e,
        events.*,
    from events
    order by occurred_local, e
    """


def _consent_events_query(event_id_width: int, contact_id_width: int) -> str:
    """The rendered rows, in the stored (event number) order."""
    # Grants carry their evidence (M4), except imports and a few forms that failed to record it.
    is_recorded_grant = "action = 'grant' and source <> 'import'"
    return f"""
    select
        'E' || lpad(event_seq::varchar, {event_id_width}, '0') as event_id,
        'C' || lpad(i::varchar, {contact_id_width}, '0') as contact_id,
        channel,
        purpose,
        action,
        render_ts(
            occurred_local,
            case when slot = 9 then 'utc' else ts_style(u(e, 'ts_style'), 0.2, 0.3) end
        ) as occurred_at,
        source,
        case when {is_recorded_grant} and u(e, 'proof_lost') >= 0.01 then
            case source
                when 'double_opt_in' then 'doi'
                when 'web_form' then 'form'
                when 'booking_form' then 'bf'
                when 'call_center' then 'call'
                when 'paper' then 'scan'
                else 'ref'
            end || '-' || hex_ref(e, 'proof_ref')
        end as proof_ref,
        -- the wording in force: a new version each January and July
        case when {is_recorded_grant} and u(e, 'version_lost') >= 0.02 then
            case source
                when 'double_opt_in' then 'nb'
                when 'web_form' then 'wf'
                when 'booking_form' then 'bf'
                when 'call_center' then 'cc'
                when 'paper' then 'pp'
                else 'ot'
            end || '-' || year(occurred_local)::varchar
            || case when month(occurred_local) < 7 then '-01' else '-07' end
        end as consent_text_version,
    from (select rowid + 1 as event_seq, * from consent_events)
    """


# --------------------------------------------------------------------- mail-tool unsubscribes


def _unsubscribes_sql() -> str:
    """Table `unsubscribes`: mostly CRM addresses in the mail tool's casing, some others."""
    return f"""
    create table unsubscribes as
    with crm_addresses as (
        select
            i,
            1 as kind,
            typed_email(
                email_local, email_domain,
                u(i, 'unsubscribe_typing'), pick(i, 'unsubscribe_typing', 3), 0, 0.3, 0.05
            ) as email,
            created_local,
        from people
        where not is_guest and has_email and u(i, 'unsubscribe') < {UNSUBSCRIBE_SHARE}
    ),

    -- bookers' addresses, and addresses the CRM never had or has since deleted
    other_addresses as (
        select
            i,
            2 as kind,
            typed_email(
                alt_email_local, alt_email_domain, u(i, 'unsubscribe_typing'), 1, 0, 0.1, 0.02
            ) as email,
            created_local,
        from people
        where u(i, 'other_unsubscribe') < case when is_guest then 0.03 else 0.005 end
    ),

    addresses as (
        select * from crm_addresses
        union all by name select * from other_addresses
    )

    select
        *,
        i * 2 + kind as m,
        u(m, 'late_unsubscribe') < 0.03 as is_late,
        case
            when is_late then late_on_run_date(m, 'unsubscribed_at')
            else local_between(created_local, m, 'unsubscribed_at')
        end as unsubscribed_local,
        case when u(m, 'unsubscribe_purpose') < 0.25
            then ['newsletter', 'offers', 'partner_offers'][pick(m, 'unsubscribe_purpose', 3) + 1]
        end as purpose,
    from addresses
    """


def _unsubscribes_query() -> str:
    return """
    select
        email,
        render_ts(
            unsubscribed_local,
            case when is_late then 'utc' else ts_style(u(m, 'ts_style'), 0, 0.15) end
        ) as unsubscribed_at,
        purpose,
        -- the export lists unsubscribes in the order they happened
        unsubscribed_local - to_hours(utc_offset_hours(unsubscribed_local)) as unsubscribed_instant,
        m,
    from unsubscribes
    """


# ------------------------------------------------------------------------------------ writing


def _id_width(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Zero-padding wide enough for every row, so ids sort as their numbers do."""
    (rows,) = con.execute(f"select count(*) from {table}").fetchone()
    return max(8, len(str(rows)))


def _copy_csv(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    query: str,
    order_by: str | None,
    out_dir: Path,
    dutch_spreadsheet: bool,
) -> int:
    """Write the extract's columns of `query`, in contract order; return the row count.

    `order_by=None` keeps the query's own order: DuckDB preserves insertion order (its default
    `preserve_insertion_order`), so rows read from a table stored sorted come out sorted, on any
    number of threads.
    """
    names = [column.name for column in extract.columns]
    # DuckDB writes no BOM; a BOM in front of the first header name gives the same bytes.
    aliases = [BYTE_ORDER_MARK + names[0] if dutch_spreadsheet else names[0], *names[1:]]
    pairs = zip(names, aliases, strict=True)
    select_list = ", ".join(f'{name} as "{alias}"' for name, alias in pairs)
    order_clause = f"order by {order_by}" if order_by else ""
    delimiter = ";" if dutch_spreadsheet else ","
    (rows,) = con.execute(f"""
        copy (select {select_list} from ({query}) {order_clause})
        to {string_literal(str(out_dir / extract.file_name))} (format csv, header, delimiter '{delimiter}')
    """).fetchone()
    return int(rows)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(out_dir: Path, rows: dict[str, int]) -> None:
    """extract_manifest.json: row count and checksum per file, so truncation can be proven."""
    files = {name: {"rows": rows[name], "sha256": _sha256(out_dir / name)} for name in sorted(rows)}
    text = json.dumps({"files": files}, indent=2) + "\n"
    (out_dir / MANIFEST_FILE).write_text(text, encoding="utf-8")
