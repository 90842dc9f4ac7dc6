-- R9, CONTRACT.md "A booking links to a contact…": a booking links to its CRM contact by
-- contact_id when that id exists in the CRM, else by its normalised booker e-mail when exactly
-- one contact has that normalised e-mail; otherwise it is unlinked. An unlinked booking still
-- follows R3–R5 by booking_id (int_booking_deadlines) and is reported as unlinked.
with bookings as (select * from {{ ref('stg_bookings__bookings') }}),

contacts as (select * from {{ ref('stg_crm__contacts') }}),

contacts_by_email as (
    -- R9 "matching exactly one contact": an e-mail shared by two contacts identifies neither
    select
        email,
        min(contact_id) as contact_id,
        count(*) as contact_count,
    from contacts
    where email is not null
    group by email
),

candidates as (
    select
        bookings.booking_id,
        by_id.contact_id as contact_id_match,
        case when by_email.contact_count = 1 then by_email.contact_id end as booker_email_match,
    from bookings
    left join contacts as by_id
        on bookings.contact_id = by_id.contact_id
    left join contacts_by_email as by_email
        on bookings.booker_email = by_email.email
),

final as (
    select
        booking_id,
        coalesce(contact_id_match, booker_email_match) as contact_id,
        case
            when contact_id_match is not null then 'contact_id'
            when booker_email_match is not null then 'booker_email'
            else 'unlinked'
        end as link_method,
    from candidates
)

select * from final
