{#- Generic data test for the CONTRACT.md invariant (M9, fail closed): per channel and purpose,
    every known address is in exactly one of the suppression list (the model under test) and
    the eligibility list, and neither list names an address that is not known. Returns the
    offending channel × address × purpose with the number of lists naming it. -#}
{% test in_exactly_one_list(model, eligibility_list, known_addresses) %}

with known as (
    select
        known.channel,
        known.address,
        purposes.purpose,
    from {{ known_addresses }} as known
    cross join (select unnest({{ sql_string_list(marketing_purposes()) }}) as purpose) as purposes
),

listed as (
    select channel, address, purpose, 'suppression_list' as list_name from {{ model }}
    union all
    select channel, address, purpose, 'marketing_eligibility' as list_name from {{ eligibility_list }}
),

counted as (
    select
        coalesce(known.channel, listed.channel) as channel,
        coalesce(known.address, listed.address) as address,
        coalesce(known.purpose, listed.purpose) as purpose,
        known.address is not null as is_known,
        count(listed.list_name) as list_count,
    from known
    full outer join listed
        on known.channel = listed.channel
        and known.address = listed.address
        and known.purpose = listed.purpose
    group by all
)

select *
from counted
where list_count != 1 or not is_known

{% endtest %}
