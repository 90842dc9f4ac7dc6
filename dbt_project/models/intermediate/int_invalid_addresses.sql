-- RULES.md "Address": a value that does not normalise is invalid: it is never mailed, it is
-- reported, and it does not break the run. One row per invalid cell, naming the extract, the
-- column and the subject's id, never the value itself (no personal data in the report).
with contacts as (select * from {{ ref('stg_crm__contacts') }}),

bookings as (select * from {{ ref('stg_bookings__bookings') }}),

unsubscribes as (select * from {{ ref('stg_mailtool__unsubscribes') }}),

invalid_cells as (
    select
        'crm_contacts' as source_table,
        'email' as column_name,
        'email' as channel,
        'contact' as subject_type,
        contact_id as subject_id,
    from contacts
    where email_status = 'invalid'
    union all
    select
        'crm_contacts' as source_table,
        'phone' as column_name,
        'sms' as channel,
        'contact' as subject_type,
        contact_id as subject_id,
    from contacts
    where phone_status = 'invalid'
    union all
    select
        'bookings' as source_table,
        'booker_email' as column_name,
        'email' as channel,
        'booking' as subject_type,
        booking_id as subject_id,
    from bookings
    where booker_email_status = 'invalid'
    union all
    select
        'bookings' as source_table,
        'booker_phone' as column_name,
        'sms' as channel,
        'booking' as subject_type,
        booking_id as subject_id,
    from bookings
    where booker_phone_status = 'invalid'
    union all
    select
        'mailtool_unsubscribes' as source_table,
        'email' as column_name,
        'email' as channel,
        'unsubscribe' as subject_type,
        unsubscribe_id as subject_id,
    from unsubscribes
    where email_status = 'invalid'
),

final as (
    select * from invalid_cells
)

select * from final
