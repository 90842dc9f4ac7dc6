-- M2 soft opt-in, conditions (a)-(c), per channel × address × booking; condition (d) (no later
-- stop) is M5 step 1, applied in fct_address_decisions. `is_soft_opt_in` holds when:
--   (a) the booking is a binding agreement (confirmed on or before D; a later cancellation
--       does not undo it: "Terms") and the address is that booking's booker e-mail (`email`) or
--       booker phone (`sms`) or, only where the booking has none for that channel (missing,
--       not merely invalid), the linked contact's (R9 linking) CRM address for it;
--   (b) the booking records that a clear, free opt-out was offered (marketing_optout_offered);
--   (c) the booking's delete date (R4/R5) is after D, and the linked contact's (R6/R7) is not
--       on or before D: data that should be gone is not used, even when a legal hold (R1) or
--       an ongoing trip (R2) keeps it in the systems.
-- M3: a newsletter signup, account, contest, survey, quote or option is no binding agreement, so
-- gives no basis here. The purposes a soft opt-in covers (newsletter and offers, never
-- partner_offers: M2) are applied in fct_address_decisions: (a)-(c) are the same for both, and
-- a row per purpose here doubled the rows every later step reads (docs/decisions.md, 67).
with bookings as (select * from {{ ref('stg_bookings__bookings') }}),

contacts as (select * from {{ ref('stg_crm__contacts') }}),

booking_links as (select * from {{ ref('int_booking_links') }}),

booking_deadlines as (select * from {{ ref('int_booking_deadlines') }}),

contact_deadlines as (select * from {{ ref('int_contact_deadlines') }}),

linked_bookings as (
    select
        bookings.booking_id,
        booking_links.contact_id,
        bookings.booker_email,
        bookings.booker_email_status,
        bookings.booker_phone,
        bookings.booker_phone_status,
        contacts.email as contact_email,
        contacts.phone as contact_phone,
        bookings.is_binding_agreement,
        coalesce(bookings.is_optout_offered, false) as is_optout_offered,
        bookings.confirmed_on,
    from bookings
    left join booking_links on bookings.booking_id = booking_links.booking_id
    left join contacts on booking_links.contact_id = contacts.contact_id
),

booking_addresses as (
    select
        *,
        'email' as channel,
        case
            when booker_email_status = 'missing' then contact_email
            else booker_email
        end as address,
        case
            when booker_email_status = 'missing' then 'linked_contact'
            else 'booker'
        end as address_origin,
    from linked_bookings
    union all
    select
        *,
        'sms' as channel,
        case
            when booker_phone_status = 'missing' then contact_phone
            else booker_phone
        end as address,
        case
            when booker_phone_status = 'missing' then 'linked_contact'
            else 'booker'
        end as address_origin,
    from linked_bookings
),

checked as (
    select
        booking_addresses.channel,
        booking_addresses.address,
        booking_addresses.booking_id,
        booking_addresses.contact_id,
        booking_addresses.address_origin,
        booking_addresses.confirmed_on,
        booking_addresses.is_binding_agreement,
        booking_addresses.is_optout_offered,
        booking_deadlines.delete_due_on as booking_delete_due_on,
        contact_deadlines.delete_due_on as contact_delete_due_on,
        -- fail closed: a booking without a delete date counts as due
        not coalesce(booking_deadlines.delete_due_on > {{ run_date() }}, false)
            as is_booking_delete_due,
        coalesce(contact_deadlines.delete_due_on <= {{ run_date() }}, false)
            as is_contact_delete_due,
    from booking_addresses
    left join booking_deadlines on booking_addresses.booking_id = booking_deadlines.booking_id
    left join contact_deadlines on booking_addresses.contact_id = contact_deadlines.contact_id
    -- an invalid booker address is never mailed and never replaced by the CRM address
    where booking_addresses.address is not null
),

final as (
    select
        *,
        is_binding_agreement
        and is_optout_offered
        and not is_booking_delete_due
        and not is_contact_delete_due as is_soft_opt_in,
    from checked
)

select * from final
