-- Per CRM contact: when its record is due for `delete` as of D (RULES.md R1, R2, R6–R8).
--   M3  a customer has at least one binding agreement; everyone else is a prospect;
--   R6  a customer is due once every one of its bookings is due for delete by date (R4/R5),
--       at the latest of those dates; until then its due date is not determined (null);
--   R7  a prospect is due 12 months after its last activity (the latest of created_at, its
--       last consent event, its last booking's booked_at), or 30 days after its own latest
--       consent event (or mail-tool unsubscribe of its e-mail, M7) when that is a withdraw or
--       object;
--   R1  legal hold, R2 travel of any of its bookings on or after D, and R8 consent in force
--       (from the marketing half's int_consent_in_force) keep it: kept_by.
-- Periods come from the policy seed; fail-closed readings: docs/decisions.md.
with contacts as (select * from {{ ref('stg_crm__contacts') }}),

bookings as (select * from {{ ref('int_booking_deadlines') }}),

consent_events as (select * from {{ ref('stg_crm__consent_events') }}),

unsubscribes as (select * from {{ ref('stg_mailtool__unsubscribes') }}),

consent_in_force as (select * from {{ ref('int_consent_in_force') }}),

policy as (select * from {{ ref('retention_policy') }}),

contact_events as (
    -- R7 "its own latest consent event (or mail-tool unsubscribe of its e-mail)"; M7: an
    -- unsubscribe is an `object`. Both are dated on or before D (staging, M4).
    select
        consent_events.contact_id,
        consent_events.occurred_at as event_at,
        consent_events.occurred_on as event_on,
        consent_events.action,
    from consent_events
    union all
    select
        contacts.contact_id,
        unsubscribes.unsubscribed_at as event_at,
        unsubscribes.unsubscribed_on as event_on,
        'object' as action,
    from unsubscribes
    inner join contacts
        on unsubscribes.email = contacts.email
),

event_moments as (
    select
        contact_id,
        max(event_at) as last_event_at,
        max(event_on) as last_consent_event_on,
        -- the latest moment of an event that is no objection (event_at is required, never null)
        max(event_at) filter (
            where action not in ('withdraw', 'object')
        ) as last_other_event_at,
    from contact_events
    group by contact_id
),

latest_events as (
    select
        contact_id,
        last_event_at,
        last_consent_event_on,
        -- R7: the latest event is a withdraw/object only when nothing else shares its moment; a
        -- grant at the same instant keeps the 12-month term (fail closed). One grouping, not a
        -- window over every event and a grouping (the model 2.3–2.6 → 2.1 s at 1,000,000 contacts).
        coalesce(last_other_event_at < last_event_at, true) as is_latest_event_objection,
    from event_moments
),

booking_facts as (
    select
        contact_id,
        count(*) as booking_count,
        count(*) filter (where is_binding_agreement) as binding_agreement_count,
        count(*) filter (where has_confirmation) as confirmed_booking_count,
        -- R6 "every one of its bookings is due for delete" (by date, R4/R5); an unknown date is
        -- not due (fail closed)
        bool_and(coalesce(delete_due_on <= {{ run_date() }}, false)) as are_all_bookings_delete_due,
        max(delete_due_on) as last_booking_delete_due_on,
        max(booked_at) as last_booked_at,
        max(booked_on) as last_booked_on,
        -- R2 "nor of its contact"
        bool_or(is_travel_ongoing) as has_travel_ongoing,
    from bookings
    where contact_id is not null
    group by contact_id
),

contacts_joined as (
    select
        contacts.contact_id,
        contacts.signup_source,
        contacts.is_legal_hold,
        contacts.created_at,
        contacts.created_on,
        coalesce(booking_facts.booking_count, 0) as booking_count,
        coalesce(booking_facts.binding_agreement_count, 0) as binding_agreement_count,
        coalesce(booking_facts.confirmed_booking_count, 0) as confirmed_booking_count,
        booking_facts.are_all_bookings_delete_due,
        booking_facts.last_booking_delete_due_on,
        booking_facts.last_booked_at,
        booking_facts.last_booked_on,
        coalesce(booking_facts.has_travel_ongoing, false) as has_travel_ongoing,
        latest_events.last_event_at,
        latest_events.last_consent_event_on,
        coalesce(latest_events.is_latest_event_objection, false) as is_latest_event_objection,
        consent_in_force.has_consent_in_force,
    from contacts
    left join booking_facts
        on contacts.contact_id = booking_facts.contact_id
    left join latest_events
        on contacts.contact_id = latest_events.contact_id
    left join consent_in_force
        on contacts.contact_id = consent_in_force.contact_id
),

activity as (
    select
        *,
        -- R7 last activity
        greatest(created_on, last_consent_event_on, last_booked_on) as last_activity_on,
        -- R7 "30 days after that event instead": only while the withdrawal or objection is the
        -- last thing that happened; a quote requested (or a record created) after it restarts
        -- the 12-month term (fail closed)
        is_latest_event_objection
        and created_at <= last_event_at
        and coalesce(last_booked_at <= last_event_at, true) as is_objection_last_activity,
    from contacts_joined
),

deadlines as (
    select
        *,
        -- M3
        case
            when binding_agreement_count > 0 then 'customer' else 'prospect'
        end as customer_status,
        -- R6 for anyone with a confirmed booking (a confirmation dated after D included: never
        -- deleted as a prospect), else R7
        case when confirmed_booking_count > 0 then 'R6' else 'R7' end as delete_rule,
        case
            when confirmed_booking_count > 0
                then case when are_all_bookings_delete_due then last_booking_delete_due_on end
            when is_objection_last_activity
                then {{ add_policy_period(
                    'last_consent_event_on', 'prospect_retention_after_objection'
                ) }}
            else {{ add_policy_period('last_activity_on', 'prospect_inactivity_retention') }}
        end as delete_due_on,
        case
            when is_legal_hold then 'R1'
            when has_travel_ongoing then 'R2'
            -- R8; a contact int_consent_in_force does not know is kept as if in force (fail closed)
            when coalesce(has_consent_in_force, true) then 'R8'
        end as kept_by,
    from activity
),

final as (
    select
        ---------- ids
        contact_id,
        ---------- properties
        customer_status,
        signup_source,
        is_legal_hold,
        has_consent_in_force,
        has_travel_ongoing,
        booking_count,
        binding_agreement_count,
        ---------- dates
        created_on,
        last_consent_event_on,
        last_activity_on,
        ---------- deadlines
        delete_due_on,
        delete_rule,
        kept_by,
        coalesce(delete_due_on <= {{ run_date() }}, false) and kept_by is null as is_delete_due,
    from deadlines
)

select * from final
