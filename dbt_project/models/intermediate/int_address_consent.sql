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
--
-- How (docs/decisions.md, 58): one `group by` over the events and the remembered stops takes,
-- per kind (stop, provable grant, unprovable grant, any event), the max of an integer *order
-- key* that packs the kind's order, so that "the latest, ties broken as M5 says" is one `max`.
-- Integer states spill to disk where states holding text do not, and a night must fit the
-- machine by spilling. A stop's key then says where it comes from: the consent log before the
-- mail tool's export (on one date and action, the CRM's event is cited), before M8, before M10.
-- Each key ends in the event's place in the order of its extract's ids, numbered in staging
-- (lower id wins a tie, so that a rerun cites the same event; decision 65); the winning events'
-- ids are looked up after.
{#- Bit layout of the order keys (hugeint, 127 bits), from the high bits down:
      stop key:   date | object | source (2 bits) | place
      grant key:  date | time (64 bits)           | place
      event key:  date | action (2 bits)
    A date is its day number + 2^30 (any date of the extracts, whose years have four digits,
    fits 31 bits), 0 when there is none (NULLS LAST, as a window's `order by ... desc` would: a
    remembered stop of a legacy list can lack its `since`); a time is its epoch microseconds +
    2^63, 0 when there is none (a time beats none); the event's place is 2^31 - 1 - its rank in
    the order of its extract's ids (31 bits: the lower id, the higher key). -#}
{% set shift = {"date": 95, "object": 94, "source": 92, "time": 31, "event_date": 2} -%}
{% set stop_sources = {"consent_event": 3, "mailtool_unsubscribe": 2, "M8": 1, "M10": 0} -%}
{% set event_actions = {"object": 2, "withdraw": 1, "grant": 0} -%}
{% set place_mask = 2147483647 -%}
{% set day_offset = 1073741824 -%}
{% set day = "coalesce((({0}) - date '1970-01-01' + " ~ day_offset ~ ")::hugeint, 0)" -%}
{% set date_from_key -%}
    case when ({0}) > 0 then date '1970-01-01' + (({0}) - {{ day_offset }})::integer end
{%- endset %}
{% set event_place -%}
    case
        when event_rank < {{ place_mask }} then {{ place_mask }} - event_rank
        else error('int_address_consent: 2^31 events or more; widen the order keys')
    end
{%- endset %}
{#- a place back to its rank: a bigint like the staging tables' ranks, so that the lookups of
    the cited events join bigints, not a hugeint cast from every rank -#}
{% set place_from_key = "(" ~ place_mask ~ " - ({0} & " ~ place_mask ~ "))::bigint" -%}
with events as (select * from {{ ref('int_address_events') }}),

previous_suppressions as (select * from {{ ref('stg_state__previous_suppressions') }}),

tombstones as (select * from {{ ref('stg_state__tombstones') }}),

known_addresses as (select * from {{ ref('int_known_addresses') }}),

consent_events as (select * from {{ ref('stg_crm__consent_events') }}),

unsubscribes as (select * from {{ ref('stg_mailtool__unsubscribes') }}),

stops_from_previous_run as (
    select
        channel,
        known_addresses.address,
        previous_suppressions.purpose,
        coalesce(previous_suppressions.reason = 'objected', false) as is_object,
        previous_suppressions.since as stop_on,
    from previous_suppressions
    inner join known_addresses using (channel, address_hmac)
),

stops_from_tombstones as (
    select
        channel,
        known_addresses.address,
        tombstones.purpose,
        coalesce(tombstones.reason = 'objected', false) as is_object,
        tombstones.since as stop_on,
    from tombstones
    inner join known_addresses using (channel, address_hmac)
),

order_keys as (
    -- stop:  date, then `object` before `withdraw` (M5), then the current consent log before
    --        the mail tool's export, before the previous run (M8), before tombstones (M10) (the
    --        most explainable evidence first), then id;
    -- grant: date, then time, then id; provable (M4) and unprovable grants kept apart;
    -- event: date, then M5's order of one date: `object`, `withdraw`, `grant`.
    select
        channel,
        address,
        purpose,
        case
            when action in ('withdraw', 'object')
                then
                    ({{ day.format('occurred_on') }} << {{ shift.date }})
                    | ((action = 'object')::hugeint << {{ shift.object }})
                    | (
                        (case origin
                            when 'consent_event' then {{ stop_sources.consent_event }}
                            else {{ stop_sources.mailtool_unsubscribe }}
                        end)::hugeint << {{ shift.source }}
                    )
                    | {{ event_place }}
        end as stop_key,
        case
            when action = 'grant'
                then
                    ({{ day.format('occurred_on') }} << {{ shift.date }})
                    | (
                        coalesce(epoch_us(occurred_at)::hugeint + 9223372036854775808, 0)
                        << {{ shift.time }}
                    )
                    | {{ event_place }}
        end as grant_key,
        action = 'grant' and has_proof as is_provable_grant,
        action = 'grant' and not coalesce(has_proof, false) as is_unprovable_grant,
        ({{ day.format('occurred_on') }} << {{ shift.event_date }})
        | case action
            when 'object' then {{ event_actions.object }}
            when 'withdraw' then {{ event_actions.withdraw }}
            else {{ event_actions.grant }}
        end as event_key,
    from events
    union all
    select
        channel,
        address,
        purpose,
        ({{ day.format('stop_on') }} << {{ shift.date }})
        | (is_object::hugeint << {{ shift.object }})
        | ({{ stop_sources.M8 }}::hugeint << {{ shift.source }}) as stop_key,
        null as grant_key,
        false as is_provable_grant,
        false as is_unprovable_grant,
        null as event_key,
    from stops_from_previous_run
    union all
    select
        channel,
        address,
        purpose,
        ({{ day.format('stop_on') }} << {{ shift.date }})
        | (is_object::hugeint << {{ shift.object }})
        | ({{ stop_sources.M10 }}::hugeint << {{ shift.source }}) as stop_key,
        null as grant_key,
        false as is_provable_grant,
        false as is_unprovable_grant,
        null as event_key,
    from stops_from_tombstones
),

latest as (
    select
        channel,
        address,
        purpose,
        max(stop_key) as stop_key,
        max(grant_key) filter (where is_provable_grant) as provable_grant_key,
        max(grant_key) filter (where is_unprovable_grant) as unprovable_grant_key,
        max(event_key) as event_key,
    from order_keys
    group by channel, address, purpose
),

unpacked as (
    select
        channel,
        address,
        purpose,
        case
            when (stop_key >> {{ shift.object }}) & 1 = 1 then 'object'
            when stop_key is not null then 'withdraw'
        end as stop_action,
        {{ date_from_key.format('stop_key >> ' ~ shift.date) }} as stop_on,
        case (stop_key >> {{ shift.source }}) & 3
            {%- for source, code in stop_sources.items() %} when {{ code }} then '{{ source }}'
            {%- endfor %}
        end as stop_source,
        {{ place_from_key.format('stop_key') }} as stop_event_rank,
        {{ date_from_key.format('provable_grant_key >> ' ~ shift.date) }} as granted_on,
        {{ place_from_key.format('provable_grant_key') }} as grant_event_rank,
        {{ date_from_key.format('unprovable_grant_key >> ' ~ shift.date) }}
            as unprovable_granted_on,
        {{ place_from_key.format('unprovable_grant_key') }} as unprovable_grant_event_rank,
        case event_key & 3
            {%- for action, code in event_actions.items() %} when {{ code }} then '{{ action }}'
            {%- endfor %}
        end as latest_event_action,
        {{ date_from_key.format('event_key >> ' ~ shift.event_date) }} as latest_event_on,
    from latest
),

cited_consent_ranks as (
    select stop_event_rank as event_rank from unpacked
    where stop_source = 'consent_event'
    union
    select grant_event_rank from unpacked
    union
    select unprovable_grant_event_rank from unpacked
),

cited_consent_events as (
    -- only the cited events' ids, by their place, so that the three lookups below join a few
    -- rows each, not the whole consent log (decision 58: the lookups must fit a small limit)
    select
        consent_events.event_rank,
        consent_events.event_id,
    from consent_events
    semi join cited_consent_ranks using (event_rank)
),

cited_unsubscribe_ranks as (
    select stop_event_rank as event_rank from unpacked
    where stop_source = 'mailtool_unsubscribe'
),

cited_unsubscribes as (
    -- an unsubscribe exported twice has one place and one id
    select distinct
        unsubscribes.unsubscribe_rank as event_rank,
        unsubscribes.unsubscribe_id as event_id,
    from unsubscribes
    semi join cited_unsubscribe_ranks
        on unsubscribes.unsubscribe_rank = cited_unsubscribe_ranks.event_rank
),

decided as (
    select
        unpacked.channel,
        unpacked.address,
        unpacked.purpose,
        unpacked.stop_on is not null
        and (unpacked.granted_on is null or unpacked.stop_on >= unpacked.granted_on)
            as is_stopped,
        unpacked.stop_action,
        unpacked.stop_on,
        case unpacked.stop_source
            -- an unsubscribe is an objection by M7; a stop in the consent log is M5's
            when 'consent_event' then 'M5'
            when 'mailtool_unsubscribe' then 'M7'
            else unpacked.stop_source
        end as stop_rule,
        case unpacked.stop_source
            when 'M8' then 'previous_run'
            when 'M10' then 'tombstone'
            else unpacked.stop_source
        end as stop_evidence_type,
        coalesce(stop_consent_event.event_id, stop_unsubscribe.event_id) as stop_evidence_id,
        grant_event.event_id as grant_event_id,
        unpacked.granted_on,
        unprovable_grant_event.event_id as unprovable_grant_event_id,
        unpacked.unprovable_granted_on,
        unpacked.latest_event_action,
        unpacked.latest_event_on,
    from unpacked
    left join cited_consent_events as stop_consent_event
        on
            unpacked.stop_source = 'consent_event'
            and unpacked.stop_event_rank = stop_consent_event.event_rank
    left join cited_unsubscribes as stop_unsubscribe
        on
            unpacked.stop_source = 'mailtool_unsubscribe'
            and unpacked.stop_event_rank = stop_unsubscribe.event_rank
    left join cited_consent_events as grant_event
        on unpacked.grant_event_rank = grant_event.event_rank
    left join cited_consent_events as unprovable_grant_event
        on unpacked.unprovable_grant_event_rank = unprovable_grant_event.event_rank
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
