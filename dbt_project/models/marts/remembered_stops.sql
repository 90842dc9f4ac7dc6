-- M8's memory for the next run (kept in the state after D, hygiene.state): every address the
-- suppression list holds as `objected` or `withdrawn`, as its keyed hash (M10), so that the state
-- that outlives old runs (G6) holds no plain address. The next run matches the hashes against
-- its known addresses (int_address_consent); a hash no address has any more becomes a tombstone.
with suppressions as (select * from {{ ref('suppression_list') }}),

known_addresses as (select * from {{ ref('int_known_addresses') }}),

final as (
    select
        channel,
        known_addresses.address_hmac,
        suppressions.purpose,
        suppressions.reason,
        suppressions.since,
    from suppressions
    inner join known_addresses using (channel, address)
    where suppressions.reason in ('objected', 'withdrawn')
)

select * from final
