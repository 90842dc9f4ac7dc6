-- One row per CRM contact for the privacy report: customer status (M3), consent in force (R8),
-- address quality and retention deadline (R6/R7). Ids and statuses only: no names, no
-- addresses.
with contacts as (select * from {{ ref('stg_crm__contacts') }}),

deadlines as (select * from {{ ref('int_contact_deadlines') }}),

final as (
    select
        ---------- ids
        contacts.contact_id,
        ---------- properties
        deadlines.customer_status,
        contacts.signup_source,
        contacts.is_legal_hold,
        deadlines.has_consent_in_force,
        contacts.email_status,
        contacts.phone_status,
        deadlines.booking_count,
        deadlines.binding_agreement_count,
        ---------- deadlines
        deadlines.delete_due_on,
        deadlines.delete_rule,
        deadlines.kept_by,
        deadlines.is_delete_due,
    from contacts
    inner join deadlines
        on contacts.contact_id = deadlines.contact_id
)

select * from final
