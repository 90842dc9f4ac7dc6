{#- Retention periods are data (DESIGN.md "Where things live"): each model reads them from the
    seed `retention_policy` (one row per setting: policy_key, amount, unit, rule, legal_basis,
    justifications), so a privacy officer changes a period without touching SQL.

    A model selects the seed into a CTE (by default named `policy`) and asks for a setting:

        with policy as (select * from {{ ref('retention_policy') }}),
        ...
        {{ add_policy_period('return_date', 'minimize_after_travel_end') }} as minimize_due_on,

    A missing key or an unknown unit gives null, and a null due date is never due: the run fails
    closed (nothing deleted), and the seed's `policy_settings_are_valid` test fails the build
    before any model reads the policy. "+ 2 years" from 29 February lands on 28 February
    (RULES.md "Terms"): DuckDB clamps a month-based interval to the month's last day. -#}

{% macro policy_interval(policy_key, policy_relation='policy') -%}
    (
        select
            case unit
                when 'years' then to_years(cast(amount as integer))
                when 'months' then to_months(cast(amount as integer))
                when 'days' then to_days(cast(amount as integer))
            end
        from {{ policy_relation }}
        where policy_key = '{{ policy_key }}'
    )
{%- endmacro %}

{#- `date_expression` + the period `policy_key`, as a date. -#}
{% macro add_policy_period(date_expression, policy_key, policy_relation='policy') -%}
    cast(({{ date_expression }}) + {{ policy_interval(policy_key, policy_relation) }} as date)
{%- endmacro %}
