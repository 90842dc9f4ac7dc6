-- G3: a contact or booking that a published (or approved) deletion list named and that is still
-- in the extracts more than `overdue_deletion_days` (policy) after its due date is an overdue
-- deletion. The days count from the later of the due date and the first date a list named it:
-- nobody can delete before being told. A hold (R1) or ongoing travel (R2) stops the clock: such
-- subjects are listed as `paused`, with the rule that keeps them, so the report can say so.
with deadlines as (select * from {{ ref('fct_retention_deadlines') }}),

previous as (select * from {{ ref('stg_state__deletion_history') }}),

policy as (select * from {{ ref('retention_policy') }}),

listed_before as (
    select
        deadlines.subject_type,
        deadlines.subject_id,
        deadlines.action,
        deadlines.rule,
        deadlines.due_date,
        previous.listed_since,
        deadlines.kept_by,
        deadlines.is_due,
        greatest(deadlines.due_date, previous.listed_since) as clock_started_on,
    from previous
    inner join deadlines using (subject_type, subject_id, action)
),

final as (
    select
        ---------- keys
        subject_type,
        subject_id,
        action,
        ---------- properties
        rule,
        case when kept_by in ('R1', 'R2') then 'paused' else 'overdue' end as status,
        kept_by,
        ---------- dates
        due_date,
        listed_since,
        case
            when kept_by is null then date_diff('day', clock_started_on, {{ run_date() }})
        end as days_overdue,
    from listed_before
    where kept_by in ('R1', 'R2')
        or (
            is_due
            and {{ add_policy_period('clock_started_on', 'overdue_deletion_days') }}
            < {{ run_date() }}
        )
)

select * from final
