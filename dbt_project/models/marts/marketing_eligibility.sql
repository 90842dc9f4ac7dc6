-- marketing_eligibility.csv (CONTRACT.md "Output"): the addresses that may be sent to per
-- channel and purpose, with their basis: `consent` (M1, M4) or `soft_opt_in` (M2).
-- Rows in fct_address_decisions' order, which a filter keeps: the list is published as
-- stored (no join or grouping here; docs/decisions.md, 63).
with decisions as (select * from {{ ref('fct_address_decisions') }}),

final as (
    select
        channel,
        address,
        purpose,
        basis,
    from decisions
    where is_eligible
)

select * from final
