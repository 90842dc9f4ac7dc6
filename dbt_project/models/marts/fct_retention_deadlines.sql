-- Every retention deadline as of D, one row per subject × action (RULES.md R1–R10):
--   booking        minimize  R3      binding agreements
--   booking        delete    R4/R5   every booking, linked or not (R9: is_unlinked_booking)
--   contact        delete    R6/R7   every CRM contact
--   consent_event  delete    R10     every consent event dated on or before D
-- kept_by names the rule that keeps a subject (R1 legal hold, R2 travel, R8 consent in force);
-- is_due = due on or before D and not kept. deletion_list publishes the due rows.
with bookings as (select * from {{ ref('int_booking_deadlines') }}),

contacts as (select * from {{ ref('int_contact_deadlines') }}),

consent_events as (select * from {{ ref('int_consent_event_deadlines') }}),

booking_minimize as (
    select
        'booking' as subject_type,
        booking_id as subject_id,
        'minimize' as action,
        'R3' as rule,
        minimize_due_on as due_date,
        kept_by,
        is_minimize_due as is_due,
        link_method = 'unlinked' as is_unlinked_booking,
    from bookings
    where has_confirmation
),

booking_delete as (
    select
        'booking' as subject_type,
        booking_id as subject_id,
        'delete' as action,
        delete_rule as rule,
        delete_due_on as due_date,
        kept_by,
        is_delete_due as is_due,
        link_method = 'unlinked' as is_unlinked_booking,
    from bookings
),

contact_delete as (
    select
        'contact' as subject_type,
        contact_id as subject_id,
        'delete' as action,
        delete_rule as rule,
        delete_due_on as due_date,
        kept_by,
        is_delete_due as is_due,
        false as is_unlinked_booking,
    from contacts
),

consent_event_delete as (
    select
        'consent_event' as subject_type,
        event_id as subject_id,
        'delete' as action,
        delete_rule as rule,
        delete_due_on as due_date,
        kept_by,
        is_delete_due as is_due,
        false as is_unlinked_booking,
    from consent_events
),

final as (
    select * from booking_minimize
    union all
    select * from booking_delete
    union all
    select * from contact_delete
    union all
    select * from consent_event_delete
)

select * from final
