-- M8: the stops the previous run remembered (its objected/withdrawn suppressions) as keyed
-- hashes. Such an address stays suppressed in every later run, even when its event is missing
-- from a later extract, until a provable grant later than `since` appears. Only these two
-- reasons are carried forward: they are filtered again here so that no other reason ever is.
with source as (select * from {{ source('state', 'previous_suppressions') }}),

renamed as (
    select
        ---------- keys
        lower(trim(channel)) as channel,
        lower(trim(address_hmac)) as address_hmac,
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
        and address_hmac is not null
)

select * from final
