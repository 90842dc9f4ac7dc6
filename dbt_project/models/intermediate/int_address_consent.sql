-- The consent side of M5 per (channel, address, purpose), over the events dated on or before D
-- of every contact sharing the address (M6):
--   step 1: the latest stop (`withdraw`/`object`) not earlier than the latest provable grant
--           (M4) suppresses the address (a tie on the date goes to the stop; `object` wins a
--           tie over `withdraw`) as `objected`/`withdrawn`, since that stop's date;
--   step 2: else the latest provable grant gives basis `consent` (with its event id and date).
-- Stops also come from the state of earlier runs, matched to known addresses by keyed hash, so
-- that suppression never forgets:
--   M8:  the previous published list's objected/withdrawn rows (stop dated `since`);
--   M10: tombstones (stop dated `since`).
-- Both are lifted only by a provable grant later than `since`, exactly as M5 step 1 says.
-- Steps 3 (soft opt-in, M2) and 4 (`invalid_proof`/`no_basis`) are decided in
-- fct_address_decisions; `has_unprovable_grant` is kept here for step 4.
with events as (select * from {{ ref('int_address_events') }}),

previous_suppressions as (select * from {{ ref('stg_state__previous_suppressions') }}),

tombstones as (select * from {{ ref('stg_state__tombstones') }}),

known_addresses as (select * from {{ ref('int_known_addresses') }}),

stops_from_events as (
    select
        channel,
        address,
        purpose,
        action,
        occurred_on as stop_on,
        -- an unsubscribe is an objection by M7; any other stop is M5's
        case origin when 'mailtool_unsubscribe' then 'M7' else 'M5' end as rule,
        origin as evidence_type,
        event_id as evidence_id,
        1 as evidence_rank,
    from events
    where action in ('withdraw', 'object')
),

stops_from_previous_run as (
    select
        channel,
        known_addresses.address,
        previous_suppressions.purpose,
        case previous_suppressions.reason
            when 'objected' then 'object'
            else 'withdraw'
        end as action,
        previous_suppressions.since as stop_on,
        'M8' as rule,
        'previous_run' as evidence_type,
        null as evidence_id,
        2 as evidence_rank,
    from previous_suppressions
    inner join known_addresses using (channel, address_hmac)
),

stops_from_tombstones as (
    select
        channel,
        known_addresses.address,
        tombstones.purpose,
        case tombstones.reason when 'objected' then 'object' else 'withdraw' end as action,
        tombstones.since as stop_on,
        'M10' as rule,
        'tombstone' as evidence_type,
        null as evidence_id,
        3 as evidence_rank,
    from tombstones
    inner join known_addresses using (channel, address_hmac)
),

stops as (
    select * from stops_from_events
    union all
    select * from stops_from_previous_run
    union all
    select * from stops_from_tombstones
),

latest_stops as (
    -- the latest stop; on the same date `object` before `withdraw` (M5), then the current
    -- extract before the previous run's state (the most explainable evidence)
    select * from stops
    qualify
        row_number() over (
            partition by channel, address, purpose
            order by stop_on desc, action = 'object' desc, evidence_rank asc, evidence_id asc
        ) = 1
),

latest_provable_grants as (
    select
        channel,
        address,
        purpose,
        event_id as grant_event_id,
        occurred_on as granted_on,
    from events
    where action = 'grant' and has_proof
    qualify
        row_number() over (
            partition by channel, address, purpose
            order by occurred_on desc, occurred_at desc, event_id asc
        ) = 1
),

latest_unprovable_grants as (
    select
        channel,
        address,
        purpose,
        event_id as unprovable_grant_event_id,
        occurred_on as unprovable_granted_on,
    from events
    where action = 'grant' and not coalesce(has_proof, false)
    qualify
        row_number() over (
            partition by channel, address, purpose
            order by occurred_on desc, occurred_at desc, event_id asc
        ) = 1
),

latest_events as (
    -- the latest event in the extracts (state rows are not events); on the same date the
    -- order of M5: `object`, then `withdraw`, then `grant`
    select
        channel,
        address,
        purpose,
        action as latest_event_action,
        occurred_on as latest_event_on,
    from events
    qualify
        row_number() over (
            partition by channel, address, purpose
            order by
                occurred_on desc,
                case action when 'object' then 1 when 'withdraw' then 2 else 3 end asc,
                occurred_at desc,
                event_id asc
        ) = 1
),

address_purposes as (
    select
        channel,
        address,
        purpose,
    from events
    union
    select
        channel,
        address,
        purpose,
    from stops
),

decided as (
    select
        channel,
        address,
        purpose,
        latest_stops.stop_on is not null
        and (
            latest_provable_grants.granted_on is null
            or latest_stops.stop_on >= latest_provable_grants.granted_on
        ) as is_stopped,
        latest_stops.action as stop_action,
        latest_stops.stop_on,
        latest_stops.rule as stop_rule,
        latest_stops.evidence_type as stop_evidence_type,
        latest_stops.evidence_id as stop_evidence_id,
        latest_provable_grants.grant_event_id,
        latest_provable_grants.granted_on,
        latest_unprovable_grants.unprovable_grant_event_id,
        latest_unprovable_grants.unprovable_granted_on,
        latest_events.latest_event_action,
        latest_events.latest_event_on,
    from address_purposes
    left join latest_stops using (channel, address, purpose)
    left join latest_provable_grants using (channel, address, purpose)
    left join latest_unprovable_grants using (channel, address, purpose)
    left join latest_events using (channel, address, purpose)
),

final as (
    select
        ---------- keys
        channel,
        address,
        purpose,
        ---------- M5 steps 1-2
        case
            when is_stopped and stop_action = 'object' then 'objected'
            when is_stopped then 'withdrawn'
            when grant_event_id is not null then 'consent'
        end as consent_status,
        case
            when is_stopped then stop_on
            when grant_event_id is not null then granted_on
        end as since,
        case
            when is_stopped then stop_rule
            when grant_event_id is not null then 'M4'
        end as rule,
        case
            when is_stopped then stop_evidence_type
            when grant_event_id is not null then 'consent_event'
        end as evidence_type,
        case
            when is_stopped then stop_evidence_id
            when grant_event_id is not null then grant_event_id
        end as evidence_id,
        ---------- the evidence behind it
        grant_event_id,
        granted_on,
        stop_action as latest_stop_action,
        stop_on as latest_stop_on,
        stop_rule as latest_stop_rule,
        ---------- M5 step 4 / M4: an unprovable grant gives no basis
        unprovable_grant_event_id is not null as has_unprovable_grant,
        unprovable_grant_event_id,
        unprovable_granted_on,
        ---------- the latest event in the extracts, for the report
        latest_event_action,
        latest_event_on,
    from decided
)

select * from final
