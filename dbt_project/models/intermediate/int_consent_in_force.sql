-- R8 (for the retention half): a contact has consent in force when one of its CRM addresses
-- (its e-mail for channel `email`, its phone for `sms`) has basis `consent` (M5 step 2) for
-- some channel and purpose. Per address (M6): a grant by another contact sharing the address
-- counts, and an objection by any of them ends it.
with contacts as (select * from {{ ref('stg_crm__contacts') }}),

contact_addresses as (select * from {{ ref('int_contact_addresses') }}),

address_consent as (select * from {{ ref('int_address_consent') }}),

consent_by_contact as (
    select
        contact_addresses.contact_id,
        count(*) as consent_count,
        max(address_consent.granted_on) as latest_consent_granted_on,
    from contact_addresses
    inner join address_consent using (channel, address)
    where address_consent.consent_status = 'consent'
    group by contact_addresses.contact_id
),

final as (
    select
        contacts.contact_id,
        consent_by_contact.contact_id is not null as has_consent_in_force,
        coalesce(consent_by_contact.consent_count, 0) as consent_count,
        consent_by_contact.latest_consent_granted_on,
    from contacts
    left join consent_by_contact on contacts.contact_id = consent_by_contact.contact_id
)

select * from final
