-- Marketing-preference events per (channel, address, purpose), the input of M5.
--   * consent events (dated on or before D, M4: staging drops later ones) are about their
--     contact's addresses: its CRM e-mail for channel `email`, its CRM phone for `sms`
--     (int_contact_addresses);
--   * fail closed: a `withdraw`/`object` also reaches the booker e-mail/phone of the contact's
--     linked bookings (R9 linking, int_linked_booking_addresses), so that an objection is
--     never lost on an address the contact gave with a booking (M2(d), M5). Grants do not:
--     proof of consent (M4) is proof for the address it was given for, the CRM address;
--   * mail-tool unsubscribes are `object` events for the `email` channel, purpose `all` unless
--     the export names one (M7);
--   * `all` counts for every channel and/or every purpose ("Terms", M5);
--   * M6: no grouping by contact: events of every contact sharing a normalised address end up
--     on the same (channel, address, purpose) and are merged there by int_address_consent.
with consent_events as (select * from {{ ref('stg_crm__consent_events') }}),

unsubscribes as (select * from {{ ref('stg_mailtool__unsubscribes') }}),

contact_addresses as (select * from {{ ref('int_contact_addresses') }}),

linked_booking_addresses as (select * from {{ ref('int_linked_booking_addresses') }}),

events_by_channel as (
    select
        event_id,
        event_rank,
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
        event_rank,
        contact_id,
        channel,
        {{ expand_all('purpose', marketing_purposes()) }} as purpose,
        action,
        has_proof,
        occurred_at,
        occurred_on,
    from events_by_channel
),

contact_and_booker_addresses as (
    select
        contact_id,
        channel,
        address,
        'crm_contact' as address_source,
    from contact_addresses
    union all
    select
        contact_id,
        channel,
        address,
        'linked_booking' as address_source,
    from linked_booking_addresses
),

addresses_of_contacts as (
    -- each address of a contact once, so that an event reaches it once: an address that is
    -- both the CRM address and a booker address (of one booking or several) is the CRM address.
    -- Deduplicated here, on the contacts' addresses, not on the events fanned out to them
    -- (issue "Performance": that window over every event was two thirds of the view's time).
    select
        contact_id,
        channel,
        address,
        case
            when bool_or(address_source = 'crm_contact') then 'crm_contact'
            else 'linked_booking'
        end as address_source,
    from contact_and_booker_addresses
    group by contact_id, channel, address
),

consent_event_addresses as (
    select
        channel,
        addresses_of_contacts.address,
        events.purpose,
        events.event_id,
        'consent_event' as origin,
        events.event_rank,
        contact_id,
        addresses_of_contacts.address_source,
        events.action,
        events.has_proof,
        events.occurred_at,
        events.occurred_on,
    from events_by_channel_and_purpose as events
    inner join addresses_of_contacts using (contact_id, channel)
    -- a grant reaches the CRM address only (its proof, M4); a stop every address (M2(d), M5)
    where
        addresses_of_contacts.address_source = 'crm_contact'
        or events.action in ('withdraw', 'object')
),

unsubscribe_events as (
    -- an unsubscribe exported twice is one event (its id is a hash of the row)
    select distinct
        'email' as channel,
        email as address,
        {{ expand_all('purpose', marketing_purposes()) }} as purpose,
        unsubscribe_id as event_id,
        'mailtool_unsubscribe' as origin,
        unsubscribe_rank as event_rank,
        null as contact_id,
        'mailtool_export' as address_source,
        'object' as action,
        false as has_proof,
        unsubscribed_at as occurred_at,
        unsubscribed_on as occurred_on,
    from unsubscribes
    where email is not null
),

final as (
    -- one row per event and address: a consent event belongs to one contact (event_id is
    -- unique), which reaches each of its addresses once (addresses_of_contacts)
    select * from consent_event_addresses
    union all
    select * from unsubscribe_events
)

select * from final
