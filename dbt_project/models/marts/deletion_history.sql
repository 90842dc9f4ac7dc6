-- G3's memory for the next run (kept in the state after D, hygiene.state): every contact and
-- booking (subject x action) on today's deletion list, with the first date a published or
-- approved list named it (`listed_since`: kept from the previous state, else D). A subject that
-- left the extracts (deleted), is kept (R1, R2, R8: the clock stops) or is no longer due drops
-- out; listed again later, its clock starts again. When G2 holds today's list, the publisher
-- leaves out the rows first listed today (`is_first_listed_today`): nobody was told yet.
with deadlines as (select * from {{ ref('fct_retention_deadlines') }}),

previous as (select * from {{ ref('stg_state__deletion_history') }}),

final as (
    select
        ---------- keys
        deadlines.subject_type,
        deadlines.subject_id,
        deadlines.action,
        ---------- properties
        deadlines.rule,
        ---------- dates
        deadlines.due_date,
        coalesce(previous.listed_since, {{ run_date() }}) as listed_since,
        ---------- flags
        previous.listed_since is null as is_first_listed_today,
    from deadlines
    left join previous using (subject_type, subject_id, action)
    where deadlines.subject_type in ('contact', 'booking')
        and deadlines.is_due
)

select * from final
