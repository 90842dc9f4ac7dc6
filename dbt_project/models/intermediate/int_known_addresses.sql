-- M9: every known address (CRM contacts' e-mail and phone, int_contact_addresses; bookers'
-- e-mail and phone; mail-tool unsubscribes' e-mail), one row per channel × normalised address
-- ("Address", M6: decisions are per address, not per contact). Invalid values never get here
-- (they are never mailed; see int_invalid_addresses); missing ones are simply absent. Each
-- address carries its keyed hash (M10), computed once here for every model that matches
-- remembered stops (M8) or tombstones against the known addresses. The unkeyed address_sha256
-- is computed by suppression_list for the addresses it lists, not here for every address:
-- carried through fct_address_decisions its 64 hex characters were a third of that table's
-- build (docs/decisions.md, 61).
with contact_addresses as (select * from {{ ref('int_contact_addresses') }}),

bookings as (select * from {{ ref('stg_bookings__bookings') }}),

unsubscribes as (select * from {{ ref('stg_mailtool__unsubscribes') }}),

sightings as (
    select
        channel,
        address,
        'crm_contacts' as source_table,
    from contact_addresses
    union all
    select
        'email' as channel,
        booker_email as address,
        'bookings' as source_table,
    from bookings
    union all
    select
        'sms' as channel,
        booker_phone as address,
        'bookings' as source_table,
    from bookings
    union all
    select
        'email' as channel,
        email as address,
        'mailtool_unsubscribes' as source_table,
    from unsubscribes
),

final as (
    select
        ---------- keys
        channel,
        address,
        {{ address_hmac('address') }} as address_hmac,
        ---------- where the address was seen
        bool_or(source_table = 'crm_contacts') as is_crm_address,
        bool_or(source_table = 'bookings') as is_booker_address,
        bool_or(source_table = 'mailtool_unsubscribes') as is_unsubscribe_address,
    from sightings
    where address is not null
    group by channel, address
)

select * from final
