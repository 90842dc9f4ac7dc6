-- The marketing decision for every known address × channel × purpose (M9: fail closed), in
-- the order of M5, and the rule and evidence that made it:
--   1. stopped: `objected`/`withdrawn` since the stop's date (M5 from the consent events, M7
--      from a mail-tool unsubscribe, M8 from the previous run's list, M10 from a tombstone);
--   2. `consent`: a provable grant (M4, M1) since the grant's date;
--   3. `soft_opt_in`: M2 (a)-(c) hold for some booking (newsletter and offers only), since that
--      booking's confirmation date (the earliest qualifying booking);
--   4. `invalid_proof` (M4: only an unprovable grant, since its date), else `no_basis` (M9,
--      no date). M3: people who are not customers end here unless they consented.
with known_addresses as (select * from {{ ref('int_known_addresses') }}),

address_consent as (select * from {{ ref('int_address_consent') }}),

soft_opt_in_bookings as (select * from {{ ref('int_soft_opt_in_bookings') }}),

purposes as (
    select unnest({{ sql_string_list(marketing_purposes()) }}) as purpose
),

-- each address's place in the order of channel and address, which is the order the decisions
-- are stored in (below): sorting them by one integer and the purpose costs less than by the
-- text of their addresses (docs/decisions.md, 68)
ordered_addresses as (
    select
        channel,
        address,
        row_number() over (order by channel, address) as address_order,
    from known_addresses
),

address_purposes as (
    select
        ordered_addresses.channel,
        ordered_addresses.address,
        ordered_addresses.address_order,
        purposes.purpose,
    from ordered_addresses
    cross join purposes
),

-- the earliest qualifying booking of each channel × address
earliest_soft_opt_in_bookings as (
    select *
    from soft_opt_in_bookings
    qualify
        row_number() over (
            partition by channel, address
            order by confirmed_on, booking_id
        ) = 1
),

-- M2: it covers newsletter and offers, never partner_offers
soft_opt_in_purposes as (
    select unnest({{ sql_string_list(soft_opt_in_purposes()) }}) as purpose
),

soft_opt_ins as (
    select
        earliest_soft_opt_in_bookings.*,
        soft_opt_in_purposes.purpose,
    from earliest_soft_opt_in_bookings
    cross join soft_opt_in_purposes
),

joined as (
    select
        address_purposes.*,
        address_consent.consent_status,
        address_consent.since as consent_since,
        address_consent.rule as consent_rule,
        address_consent.evidence_type as consent_evidence_type,
        address_consent.evidence_id as consent_evidence_id,
        coalesce(address_consent.has_unprovable_grant, false) as has_unprovable_grant,
        address_consent.unprovable_grant_event_id,
        address_consent.unprovable_granted_on,
        address_consent.latest_event_action,
        address_consent.latest_event_on,
        soft_opt_ins.booking_id as soft_opt_in_booking_id,
        soft_opt_ins.confirmed_on as soft_opt_in_confirmed_on,
    from address_purposes
    left join address_consent using (channel, address, purpose)
    left join soft_opt_ins using (channel, address, purpose)
),

stepped as (
    select
        *,
        case
            when consent_status in ('objected', 'withdrawn') then 'stop'
            when consent_status = 'consent' then 'consent'
            when soft_opt_in_booking_id is not null then 'soft_opt_in'
            when has_unprovable_grant then 'invalid_proof'
            else 'no_basis'
        end as step,
    from joined
),

final as (
    select
        ---------- keys
        channel,
        address,
        purpose,
        ---------- decision
        step in ('consent', 'soft_opt_in') as is_eligible,
        case when step in ('consent', 'soft_opt_in') then step end as basis,
        case
            when step = 'stop' then consent_status
            when step in ('invalid_proof', 'no_basis') then step
        end as reason,
        case step
            when 'stop' then consent_since
            when 'consent' then consent_since
            when 'soft_opt_in' then soft_opt_in_confirmed_on
            when 'invalid_proof' then unprovable_granted_on
        end as since,
        case step
            when 'stop' then consent_rule
            when 'consent' then consent_rule
            when 'soft_opt_in' then 'M2'
            when 'invalid_proof' then 'M4'
            else 'M9'
        end as rule,
        case step
            when 'stop' then consent_evidence_type
            when 'consent' then consent_evidence_type
            when 'soft_opt_in' then 'booking'
            when 'invalid_proof' then 'consent_event'
            else 'none'
        end as evidence_type,
        case step
            when 'stop' then consent_evidence_id
            when 'consent' then consent_evidence_id
            when 'soft_opt_in' then soft_opt_in_booking_id
            when 'invalid_proof' then unprovable_grant_event_id
        end as evidence_id,
        ---------- for the report
        latest_event_action,
        latest_event_on,
        ---------- the order the table is stored in
        address_order,
    from stepped
)

-- Stored in the order of its key, which is the order of every list written from it
-- (suppression_list and marketing_eligibility keep it, and so the published lists and the
-- explain table of decisions need no sort of their own: docs/decisions.md, 63).
select * exclude (address_order) from final
order by address_order, purpose
