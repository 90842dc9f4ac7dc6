-- M10: addresses of deleted contacts that were objected/withdrawn, kept only as a keyed hash
-- (HMAC-SHA-256 under HYGIENE_HASH_KEY, never a plain or unkeyed hash). An address that
-- reappears and matches one is suppressed with its reason until a later provable grant (M5).
with source as (select * from {{ source('state', 'tombstones') }}),

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
