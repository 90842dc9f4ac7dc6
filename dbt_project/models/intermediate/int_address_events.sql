-- Marketing-preference events per (channel, address, purpose), the input of M5.
--   * consent events (dated on or before D, M4: staging drops later ones) are about their
--     contact's addresses: its CRM e-mail for channel `email`, its CRM phone for `sms`;
--   * fail closed: a `withdraw`/`object` also reaches the booker e-mail/phone of the contact's
--     linked bookings (R9 linking), so that an objection is never lost on an address the
--     contact gave with a booking (M2(d), M5). Grants do not: proof of consent (M4) is
--     proof for the address it was given for, and that is the CRM address;
--   * mail-tool unsubscribes are `object` events for the `email` channel, purpose `all` unless
--     the export names one (M7);
--   * `all` counts for every channel and/or every purpose ("Terms", M5);
--   * M6: no grouping by contact: events of every contact sharing a normalised address end up
--     on the same (channel, address, purpose) and are merged there by int_address_consent.
with consent_events as (select * from {{ ref('stg_crm__consent_events') }}),

unsubscribes as (select * from {{ ref('stg_mailtool__unsubscribes') }}),

contacts as (select * from {{ ref('stg_crm__contacts') }}),

bookings as (select * from {{ ref('stg_bookings__bookings') }}),

booking_links as (select * from {{ ref('int_booking_links') }}),

events_by_channel as (
    select
        event_id,
        contact_id,
        {{ expand_all('channel', marketing_channels()) }} as channel,
        purpose,
        action,
        has_proof,
        occurred_at,
        occurred_on,
    from consent_events
),

events_by_channel_and_purpose as (
    select
        event_id,
        contact_id,
        channel,
        {{ expand_all('purpose', marketing_purposes()) }} as purpose,
        action,
        has_proof,
        occurred_at,
        occurred_on,
    from events_by_channel
),

contact_addresses as (
    select
        contact_id,
        'email' as channel,
        email as address,
        'crm_contact' as address_source,
    from contacts
    where email is not null
    union all
    select
        contact_id,
        'sms' as channel,
        phone as address,
        'crm_contact' as address_source,
    from contacts
    where phone is not null
),

linked_booking_addresses as (
    select
        booking_links.contact_id,
        'email' as channel,
        bookings.booker_email as address,
        'linked_booking' as address_source,
    from bookings
    inner join booking_links on bookings.booking_id = booking_links.booking_id
    where booking_links.contact_id is not null and bookings.booker_email is not null
    union all
    select
        booking_links.contact_id,
        'sms' as channel,
        bookings.booker_phone as address,
        'linked_booking' as address_source,
    from bookings
    inner join booking_links on bookings.booking_id = booking_links.booking_id
    where booking_links.contact_id is not null and bookings.booker_phone is not null
),

consent_event_addresses as (
    select
        events.channel,
        contact_addresses.address,
        events.purpose,
        events.event_id,
        'consent_event' as origin,
        events.contact_id,
        contact_addresses.address_source,
        events.action,
        events.has_proof,
        events.occurred_at,
        events.occurred_on,
    from events_by_channel_and_purpose as events
    inner join contact_addresses
        on events.contact_id = contact_addresses.contact_id
        and events.channel = contact_addresses.channel
    union all
    select
        events.channel,
        linked_booking_addresses.address,
        events.purpose,
        events.event_id,
        'consent_event' as origin,
        events.contact_id,
        linked_booking_addresses.address_source,
        events.action,
        events.has_proof,
        events.occurred_at,
        events.occurred_on,
    from events_by_channel_and_purpose as events
    inner join linked_booking_addresses
        on events.contact_id = linked_booking_addresses.contact_id
        and events.channel = linked_booking_addresses.channel
    where events.action in ('withdraw', 'object')
),

unsubscribe_events as (
    select
        'email' as channel,
        email as address,
        {{ expand_all('purpose', marketing_purposes()) }} as purpose,
        unsubscribe_id as event_id,
        'mailtool_unsubscribe' as origin,
        null as contact_id,
        'mailtool_export' as address_source,
        'object' as action,
        false as has_proof,
        unsubscribed_at as occurred_at,
        unsubscribed_on as occurred_on,
    from unsubscribes
    where email is not null
),

all_events as (
    select * from consent_event_addresses
    union all
    select * from unsubscribe_events
),

final as (
    -- one row per event and address: an event reaching an address both as the CRM address and
    -- as a linked booker address (or an unsubscribe exported twice) counts once
    select * from all_events
    qualify row_number() over (
        partition by channel, address, purpose, event_id
        order by address_source = 'crm_contact' desc, contact_id
    ) = 1
)

select * from final
