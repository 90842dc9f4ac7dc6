-- The booker addresses of a contact's linked bookings (R9 linking, int_booking_links): the
-- booker e-mail on channel `email` and the booker phone on channel `sms`, one row per linked
-- booking × channel. Unlinked bookings and missing/invalid (null) values give no row. Used
-- where a rule reaches past the contact's CRM addresses (int_contact_addresses) to the
-- addresses it gave with its bookings: a stop reaching them (M2(d), M5, int_address_events)
-- and the tombstones of a contact due for deletion (M10).
with bookings as (select * from {{ ref('stg_bookings__bookings') }}),

booking_links as (select * from {{ ref('int_booking_links') }}),

linked_bookings as (
    select
        booking_links.contact_id,
        bookings.booking_id,
        bookings.booker_email,
        bookings.booker_phone,
    from bookings
    inner join booking_links on bookings.booking_id = booking_links.booking_id
    where booking_links.contact_id is not null
),

email_addresses as (
    select
        contact_id,
        booking_id,
        'email' as channel,
        booker_email as address,
    from linked_bookings
    where booker_email is not null
),

phone_addresses as (
    select
        contact_id,
        booking_id,
        'sms' as channel,
        booker_phone as address,
    from linked_bookings
    where booker_phone is not null
),

final as (
    select * from email_addresses
    union all
    select * from phone_addresses
)

select * from final
