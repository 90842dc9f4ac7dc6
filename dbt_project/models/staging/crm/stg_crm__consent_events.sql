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

places as (
    -- each event's place in the order of ids, by which int_address_consent breaks M5's ties
    -- (the lower id wins, so that a rerun cites the same event): numbered once here, not after
    -- the events are fanned out to their addresses (docs/decisions.md, 65). Over the ids alone
    -- and joined back: a window that carries every column sorts them all (built alone at
    -- 10,000,000 contacts this table took 56-63 s so, 30-34 s this way, 22-26 s without the
    -- place). Read from the source itself, not its CTE, which DuckDB would materialise for two
    -- readers; so events after D are numbered too (a gap in the places, never cited).
    select
        event_id,
        row_number() over (order by event_id) as event_rank,
    from {{ source('crm', 'consent_events') }}
),

final as (
    select
        renamed.*,
        renamed.proof_ref is not null and renamed.consent_text_version is not null as has_proof,
        places.event_rank,
    from renamed
    inner join places on renamed.event_id = places.event_id
    where renamed.occurred_on <= {{ run_date() }}
)

select * from final
