-- Mail-tool unsubscribes are objections for the e-mail channel (M7); no purpose means `all`.
-- Unsubscribes dated after D are ignored (M4). The extract has no key: the id is derived from
-- the row's content so that it is stable across reruns.
with source as (select * from {{ source('mailtool', 'mailtool_unsubscribes') }}),

renamed as (
    select
        ---------- ids
        'U-' || substr({{ sha256_hex(
            "coalesce(email, '') || '|' || cast(unsubscribed_at as varchar)"
            ~ " || '|' || coalesce(purpose, '')"
        ) }}, 1, 16) as unsubscribe_id,
        ---------- addresses
        {{ normalize_email('email') }} as email,
        {{ address_status('email', normalize_email('email')) }} as email_status,
        ---------- properties
        coalesce(nullif(trim(purpose), ''), 'all') as purpose,
        ---------- timestamps
        unsubscribed_at,
        {{ amsterdam_date('unsubscribed_at') }} as unsubscribed_on,
    from source
),

final as (
    select
        *,
        -- the unsubscribe's place in the order of ids (one place for a row exported twice), as
        -- stg_crm__consent_events.event_rank
        dense_rank() over (order by unsubscribe_id) as unsubscribe_rank,
    from renamed
    where unsubscribed_on <= {{ run_date() }}
)

select * from final
