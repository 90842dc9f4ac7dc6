-- G3: the contacts and bookings that a published (or approved) deletion list named, still due in
-- the previous run, with the first date they were listed.
with source as (select * from {{ source('state', 'deletion_history') }}),

renamed as (
    select
        ---------- keys
        lower(trim(subject_type)) as subject_type,
        trim(subject_id) as subject_id,
        lower(trim(action)) as action,
        ---------- properties
        upper(trim(rule)) as rule,
        ---------- dates
        due_date,
        listed_since,
    from source
),

final as (
    select * from renamed
    where subject_type in ('contact', 'booking')
        and subject_id is not null
        and listed_since is not null
)

select * from final
