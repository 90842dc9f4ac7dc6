-- M8: the objected/withdrawn rows of the previous published suppression list. Such an address
-- stays suppressed in every later run, even when its event is missing from a later extract,
-- until a provable grant later than `since` appears. The loader keeps only these two reasons;
-- they are filtered again here so that no other reason can ever be carried forward.
with source as (select * from {{ source('state', 'previous_suppressions') }}),

renamed as (
    select
        ---------- keys
        lower(trim(channel)) as channel,
        -- published addresses are already normalised; normalising again is idempotent and, for
        -- a value that no longer normalises, the published form is kept (never dropped: M8)
        case lower(trim(channel))
            when 'email'
                then coalesce({{ normalize_email('address') }}, {{ clean_email('address') }})
            when 'sms'
                then coalesce({{ normalize_phone('address') }}, trim(address))
        end as address,
        lower(trim(purpose)) as purpose,
        ---------- properties
        lower(trim(reason)) as reason,
        ---------- dates
        since,
    from source
),

final as (
    select * from renamed
    where reason in ('objected', 'withdrawn')
        and address is not null
)

select * from final
