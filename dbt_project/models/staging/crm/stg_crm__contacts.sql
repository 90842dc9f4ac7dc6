-- One row per CRM contact; addresses normalised (RULES.md "Address"). Names are not carried:
-- personal data is never copied further than needed.
with source as (select * from {{ source('crm', 'crm_contacts') }}),

renamed as (
    select
        ---------- ids
        contact_id,
        ---------- addresses
        {{ normalize_email('email') }} as email,
        {{ address_status('email', normalize_email('email')) }} as email_status,
        {{ normalize_phone('phone') }} as phone,
        {{ address_status('phone', normalize_phone('phone')) }} as phone_status,
        ---------- properties
        signup_source,
        coalesce(legal_hold, false) as is_legal_hold,
        ---------- timestamps
        created_at,
        {{ amsterdam_date('created_at') }} as created_on,
    from source
)

select * from renamed
