-- A contact's CRM addresses (RULES.md "Address", M6): its e-mail for channel `email`, its
-- phone for channel `sms`, one row per contact × channel. Addresses are normalised in staging;
-- a missing or invalid value (null) is not an address and gives no row. Contacts sharing an
-- address each get their row: decisions are per address (M6), so consumers join on
-- (channel, address), never on contact alone.
with contacts as (select * from {{ ref('stg_crm__contacts') }}),

email_addresses as (
    select
        contact_id,
        'email' as channel,
        email as address,
    from contacts
    where email is not null
),

phone_addresses as (
    select
        contact_id,
        'sms' as channel,
        phone as address,
    from contacts
    where phone is not null
),

final as (
    select * from email_addresses
    union all
    select * from phone_addresses
)

select * from final
