-- M10 tombstones (kept in the state after D, hygiene.state, read back by the next run): addresses
-- suppressed as `objected`/`withdrawn`, kept only as a keyed hash (HMAC-SHA-256 under
-- HYGIENE_HASH_KEY) with the reason and date, so that an objection outlives the deletion of
-- the data it was recorded on (GDPR art. 17(3), art. 21). Rows:
--   * the previous run's tombstones, except those lifted by a provable grant later than them
--     (the address is known again and has basis `consent`: M5 step 1 already weighed the
--     tombstone as a stop and the grant won);
--   * addresses objected/withdrawn today of a contact due for `delete` (R6/R7): its CRM
--     addresses and the booker addresses of its linked bookings;
--   * stops the previous run remembered (M8, keyed hashes) that no known address has any more:
--     their contact or booking is gone, the objection stays.
-- While an address is still in the extracts it also stays on the plain suppression list (the
-- CONTRACT invariant: every known address is in exactly one list); it leaves that list when it
-- leaves the extracts, and from then on only the keyed hash remembers it.
-- One row per channel × keyed hash × purpose: the latest stop; `objected` wins a tie (M5).
with previous_tombstones as (select * from {{ ref('stg_state__tombstones') }}),

previous_suppressions as (select * from {{ ref('stg_state__previous_suppressions') }}),

decisions as (select * from {{ ref('fct_address_decisions') }}),

known_addresses as (select * from {{ ref('int_known_addresses') }}),

contact_addresses as (select * from {{ ref('int_contact_addresses') }}),

linked_booking_addresses as (select * from {{ ref('int_linked_booking_addresses') }}),

contact_deadlines as (select * from {{ ref('int_contact_deadlines') }}),

contacts_due as (
    select contact_id
    from contact_deadlines
    where coalesce(is_delete_due, false) or coalesce(delete_due_on <= {{ run_date() }}, false)
),

addresses_of_contacts_due as (
    select
        contact_addresses.channel,
        contact_addresses.address,
    from contact_addresses
    inner join contacts_due using (contact_id)
    union
    select
        linked_booking_addresses.channel,
        linked_booking_addresses.address,
    from linked_booking_addresses
    inner join contacts_due using (contact_id)
),

stopped_addresses_of_contacts_due as (
    select
        channel,
        known_addresses.address_hmac,
        decisions.purpose,
        decisions.reason,
        decisions.since,
    from decisions
    inner join addresses_of_contacts_due using (channel, address)
    inner join known_addresses using (channel, address)
    where decisions.reason in ('objected', 'withdrawn')
),

suppressions_no_longer_known as (
    select
        channel,
        address_hmac,
        previous_suppressions.purpose,
        previous_suppressions.reason,
        previous_suppressions.since,
    from previous_suppressions
    left join known_addresses using (channel, address_hmac)
    where known_addresses.address is null
),

consent_by_hmac as (
    select
        channel,
        known_addresses.address_hmac,
        decisions.purpose,
    from decisions
    inner join known_addresses using (channel, address)
    where decisions.basis = 'consent'
),

kept_previous_tombstones as (
    select
        channel,
        address_hmac,
        purpose,
        previous_tombstones.reason,
        previous_tombstones.since,
    from previous_tombstones
    left join consent_by_hmac using (channel, address_hmac, purpose)
    where consent_by_hmac.address_hmac is null
),

candidates as (
    select * from kept_previous_tombstones
    union all
    select * from stopped_addresses_of_contacts_due
    union all
    select * from suppressions_no_longer_known
),

final as (
    select
        channel,
        address_hmac,
        purpose,
        reason,
        since,
    from candidates
    qualify
        row_number() over (
            partition by channel, address_hmac, purpose
            order by since desc, reason = 'objected' desc
        ) = 1
)

select * from final
