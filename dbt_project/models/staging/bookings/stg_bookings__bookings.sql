-- One row per booking, quote or option. A booking is a binding agreement once confirmed_at is
-- set ("Terms"), even if cancelled later; a confirmation dated after D does not count yet.
with source as (select * from {{ source('bookings', 'bookings') }}),

renamed as (
    select
        ---------- ids
        booking_id,
        nullif(trim(contact_id), '') as contact_id,
        ---------- addresses
        {{ normalize_email('booker_email') }} as booker_email,
        {{ address_status('booker_email', normalize_email('booker_email')) }}
            as booker_email_status,
        {{ normalize_phone('booker_phone') }} as booker_phone,
        {{ address_status('booker_phone', normalize_phone('booker_phone')) }}
            as booker_phone_status,
        ---------- properties
        status,
        product_type,
        total_amount,
        marketing_optout_offered as is_optout_offered,
        ---------- dates
        booked_at,
        {{ amsterdam_date('booked_at') }} as booked_on,
        confirmed_at,
        {{ amsterdam_date('confirmed_at') }} as confirmed_on,
        {{ amsterdam_date('invoiced_at') }} as invoiced_on,
        departure_date,
        return_date,
    from source
),

final as (
    select
        *,
        coalesce(confirmed_on <= {{ run_date() }}, false) as is_binding_agreement,
    from renamed
)

select * from final
