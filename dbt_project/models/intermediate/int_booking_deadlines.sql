-- Per booking, quote or option: its retention deadlines as of D (RULES.md R1–R5, R9).
--   R3  a binding agreement's non-fiscal details are due for `minimize` at travel end + 2 years
--       (travel end = return date, else departure date, else the date of confirmed_at);
--   R4  a binding agreement is due for `delete` on 1 January of (year of invoiced_at, else of
--       confirmed_at) + 8: seven years after the end of that book year;
--   R5  a booking never confirmed is due for `delete` 12 months after booked_at;
--   R1  nothing of a contact on legal hold, nor its bookings, is due;
--   R2  nothing of a booking whose return (or departure) date is on or after D is due;
--   R9  an unlinked booking follows R3–R5 all the same, by booking_id.
-- Periods come from the policy seed (add_policy_period); fail-closed readings are explained in
-- docs/decisions.md.
with bookings as (select * from {{ ref('stg_bookings__bookings') }}),

links as (select * from {{ ref('int_booking_links') }}),

contacts as (select * from {{ ref('stg_crm__contacts') }}),

policy as (select * from {{ ref('retention_policy') }}),

held_emails as (
    -- R1 for R9 bookings, fail closed: an unlinked booking whose booker e-mail belongs to a
    -- contact on legal hold (an e-mail shared by several contacts links to none) is kept too
    select distinct email
    from contacts
    where is_legal_hold and email is not null
),

bookings_linked as (
    select
        ---------- ids
        bookings.booking_id,
        links.contact_id,
        links.link_method,
        ---------- properties
        -- M3/"Terms": confirmed on or before D (staging)
        bookings.is_binding_agreement,
        -- R4/R5: confirmed at all; a confirmation dated after D (confirmed overnight, before
        -- the extract) makes it no never-confirmed quote for R5
        bookings.confirmed_on is not null as has_confirmation,
        coalesce(contacts.is_legal_hold, false)
        or (links.link_method = 'unlinked' and held_emails.email is not null) as is_legal_hold,
        ---------- dates
        bookings.booked_at,
        bookings.booked_on,
        bookings.confirmed_on,
        bookings.invoiced_on,
        -- R2/R3 "return date, else departure date": the later of the two, so a return date
        -- typed before the departure date never shortens a term (fail closed)
        greatest(bookings.return_date, bookings.departure_date) as travel_on,
        -- R4 book year: of the invoice, else of the confirmation; the later of the two when an
        -- invoice predates its confirmation (fail closed)
        cast(
            date_trunc('year', greatest(bookings.invoiced_on, bookings.confirmed_on)) as date
        ) as book_year_starts_on,
    from bookings
    inner join links
        on bookings.booking_id = links.booking_id
    left join contacts
        on links.contact_id = contacts.contact_id
    left join held_emails
        on bookings.booker_email = held_emails.email
),

deadlines as (
    select
        *,
        -- R3 travel end
        coalesce(travel_on, confirmed_on) as travel_ends_on,
        -- R2 ongoing travel: return (or departure) date on or after D
        coalesce(travel_on >= {{ run_date() }}, false) as is_travel_ongoing,
        case
            -- R3: binding agreements only
            when has_confirmation
                then {{ add_policy_period(
                    'coalesce(travel_on, confirmed_on)', 'minimize_after_travel_end'
                ) }}
        end as minimize_due_on,
        case
            -- R4: 1 January after the book year + 7 years; an invoice is a fiscal record even on
            -- a booking never confirmed (fail closed: R4, not R5)
            when book_year_starts_on is not null
                then {{ add_policy_period(
                    'book_year_starts_on + interval 1 year', 'fiscal_retention_after_book_year'
                ) }}
            -- R5: never confirmed, never invoiced
            else {{ add_policy_period('booked_on', 'unconfirmed_booking_retention') }}
        end as delete_due_on,
        case when book_year_starts_on is not null then 'R4' else 'R5' end as delete_rule,
        case
            when is_legal_hold then 'R1'
            when travel_on >= {{ run_date() }} then 'R2'
        end as kept_by,
    from bookings_linked
),

final as (
    select
        ---------- ids
        booking_id,
        contact_id,
        link_method,
        ---------- properties
        is_binding_agreement,
        has_confirmation,
        is_travel_ongoing,
        ---------- dates
        booked_at,
        booked_on,
        travel_ends_on,
        ---------- deadlines
        minimize_due_on,
        delete_due_on,
        delete_rule,
        kept_by,
        coalesce(minimize_due_on <= {{ run_date() }}, false) and kept_by is null as is_minimize_due,
        coalesce(delete_due_on <= {{ run_date() }}, false) and kept_by is null as is_delete_due,
    from deadlines
)

select * from final
