-- The consent log as of D: events dated after D are ignored (M4), so a rerun of D sees what
-- had happened by D. A grant is provable only with proof_ref and consent_text_version (M4).
with source as (select * from {{ source('crm', 'consent_events') }}),

renamed as (
    select
        ---------- ids
        event_id,
        contact_id,
        ---------- properties
        channel,
        purpose,
        action,
        source as event_source,
        nullif(trim(proof_ref), '') as proof_ref,
        nullif(trim(consent_text_version), '') as consent_text_version,
        ---------- timestamps
        occurred_at,
        {{ amsterdam_date('occurred_at') }} as occurred_on,
    from source
),

final as (
    select
        *,
        proof_ref is not null and consent_text_version is not null as has_proof,
    from renamed
    where occurred_on <= {{ run_date() }}
)

select * from final
