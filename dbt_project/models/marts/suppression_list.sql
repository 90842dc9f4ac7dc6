-- suppression_list.csv (CONTRACT.md "Output"): every known address × purpose that must not be
-- sent to (M9, fail closed), with the reason and the date of the deciding event (empty for
-- `no_basis`). Exactly the ineligible rows of fct_address_decisions, so that every known
-- address is in exactly one of this list and marketing_eligibility. address_sha256 (RULES.md
-- "address_sha256") is computed here, for the listed addresses only.
-- Rows in fct_address_decisions' order, which a filter keeps: the list is published as
-- stored (no join or grouping here; docs/decisions.md, 63).
with decisions as (select * from {{ ref('fct_address_decisions') }}),

final as (
    select
        channel,
        address,
        {{ sha256_hex('address') }} as address_sha256,
        purpose,
        reason,
        since,
    from decisions
    where not is_eligible
)

select * from final
