-- M10 tombstones (published as state/tombstones.csv, read back by the next run): addresses
-- suppressed as `objected`/`withdrawn`, kept only as a keyed hash (HMAC-SHA-256 under
-- HYGIENE_HASH_KEY) with the reason and date, so that an objection outlives the deletion of
-- the data it was recorded on (GDPR art. 17(3), art. 21). Rows:
--   * the previous run's tombstones, except those lifted by a provable grant later than them
--     (the address is known again and has basis `consent`: M5 step 1 already weighed the
--     tombstone as a stop and the grant won);
--   * addresses objected/withdrawn today of a contact due for `delete` (R6/R7): its CRM
--     addresses and the booker addresses of its linked bookings;
--   * addresses on the previous run's list as objected/withdrawn (M8) that are no longer a
--     known address: their contact or booking is gone, the objection stays.
-- While an address is still in the extracts it also stays on the plain suppression list (the
-- CONTRACT invariant: every known address is in exactly one list); it leaves that list when it
-- leaves the extracts, and from then on only the keyed hash remembers it.
-- One row per channel × keyed hash × purpose: the latest stop; `objected` wins a tie (M5).
with previous_tombstones as (select * from {{ ref('stg_state__tombstones') }}),

previous_suppressions as (select * from {{ ref('stg_state__previous_suppressions') }}),

decisions as (select * from {{ ref('fct_address_decisions') }}),

known_addresses as (select * from {{ ref('int_known_addresses') }}),

contacts as (select * from {{ ref('stg_crm__contacts') }}),

bookings as (select * from {{ ref('stg_bookings__bookings') }}),

booking_links as (select * from {{ ref('int_booking_links') }}),

contact_deadlines as (select * from {{ ref('int_contact_deadlines') }}),

contacts_due as (
    select
        contact_id,
    from contact_deadlines
    where coalesce(is_delete_due, false) or coalesce(delete_due_on <= {{ run_date() }}, false)
),

addresses_of_contacts_due as (
    select
        'email' as channel,
        contacts.email as address,
    from contacts
    inner join contacts_due on contacts.contact_id = contacts_due.contact_id
    union
    select
        'sms' as channel,
        contacts.phone as address,
    from contacts
    inner join contacts_due on contacts.contact_id = contacts_due.contact_id
    union
    select
        'email' as channel,
        bookings.booker_email as address,
    from bookings
    inner join booking_links on bookings.booking_id = booking_links.booking_id
    inner join contacts_due on booking_links.contact_id = contacts_due.contact_id
    union
    select
        'sms' as channel,
        bookings.booker_phone as address,
    from bookings
    inner join booking_links on bookings.booking_id = booking_links.booking_id
    inner join contacts_due on booking_links.contact_id = contacts_due.contact_id
),

stopped_addresses_of_contacts_due as (
    select
        decisions.channel,
        {{ address_hmac('decisions.address') }} as address_hmac,
        decisions.purpose,
        decisions.reason,
        decisions.since,
    from decisions
    inner join addresses_of_contacts_due
        on decisions.channel = addresses_of_contacts_due.channel
        and decisions.address = addresses_of_contacts_due.address
    where decisions.reason in ('objected', 'withdrawn')
),

suppressions_no_longer_known as (
    select
        previous_suppressions.channel,
        {{ address_hmac('previous_suppressions.address') }} as address_hmac,
        previous_suppressions.purpose,
        previous_suppressions.reason,
        previous_suppressions.since,
    from previous_suppressions
    left join known_addresses
        on previous_suppressions.channel = known_addresses.channel
        and previous_suppressions.address = known_addresses.address
    where known_addresses.address is null
),

consent_by_hmac as (
    select
        decisions.channel,
        {{ address_hmac('decisions.address') }} as address_hmac,
        decisions.purpose,
    from decisions
    where decisions.basis = 'consent'
),

kept_previous_tombstones as (
    select
        previous_tombstones.channel,
        previous_tombstones.address_hmac,
        previous_tombstones.purpose,
        previous_tombstones.reason,
        previous_tombstones.since,
    from previous_tombstones
    left join consent_by_hmac
        on previous_tombstones.channel = consent_by_hmac.channel
        and previous_tombstones.address_hmac = consent_by_hmac.address_hmac
        and previous_tombstones.purpose = consent_by_hmac.purpose
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
    qualify row_number() over (
        partition by channel, address_hmac, purpose
        order by since desc, reason = 'objected' desc
    ) = 1
)

select * from final
