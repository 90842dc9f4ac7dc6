-- The bookings that give a channel × address its soft opt-in: the rows of int_soft_opt_in_sources
-- where M2 (a)-(c) hold. fct_address_decisions dates a soft opt-in from the earliest of them,
-- for newsletter and offers (never partner_offers, M2).
-- A table of its own, not a filter inside fct_address_decisions: DuckDB then builds it apart
-- from the decisions' joins. Inlined, the joins of both and the pick of the earliest booking
-- ran as one plan that could not spill, and ran out of memory at 10,000,000 contacts
-- (bench/results.md).
with sources as (select * from {{ ref('int_soft_opt_in_sources') }}),

final as (
    select
        channel,
        address,
        booking_id,
        confirmed_on,
    from sources
    where is_soft_opt_in
)

select * from final
