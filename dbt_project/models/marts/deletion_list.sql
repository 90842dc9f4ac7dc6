-- deletion_list.csv of CONTRACT.md: every subject × action due on or before D and not kept by
-- R1 (legal hold), R2 (ongoing travel) or R8 (consent in force), with the rule that made it
-- due (R3–R7, R10; an unlinked booking cites R3, R4 or R5, R9). A subject is listed in every
-- run with D on or after its due date, until the extracts no longer contain it. The publisher
-- writes the rows sorted by their leading columns.
with deadlines as (select * from {{ ref('fct_retention_deadlines') }}),

final as (
    select
        subject_type,
        subject_id,
        action,
        rule,
        due_date,
    from deadlines
    where is_due
        -- is_due implies both; repeated so the published list can never widen by mistake
        and due_date <= {{ run_date() }}
        and kept_by is null
)

select * from final
