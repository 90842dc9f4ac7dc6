{#- The retention policy seed holds every setting the models and guards read, each with a usable
    amount and unit and with its legal basis and both justifications (DESIGN.md: "every policy
    value carries its legal basis or 'policy choice'"). Returns one row per problem. -#}
{% test policy_settings_are_valid(model, period_keys, share_keys) %}

with settings as (select * from {{ model }}),

expected as (
    {%- set expected_settings = [] %}
    {%- for key in period_keys %}{% do expected_settings.append((key, 'period')) %}{% endfor %}
    {%- for key in share_keys %}{% do expected_settings.append((key, 'share')) %}{% endfor %}
    {%- for key, kind in expected_settings %}
    select '{{ key }}' as policy_key, '{{ kind }}' as setting_kind
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
),

checked as (
    select
        expected.policy_key,
        expected.setting_kind,
        settings.policy_key is null as is_missing,
        settings.amount,
        settings.unit,
        settings.legal_basis,
        settings.legal_basis_nl,
        settings.justification_en,
        settings.justification_nl,
    from expected
    left join settings on expected.policy_key = settings.policy_key
),

problems as (
    select policy_key, 'missing from the policy' as problem from checked where is_missing
    union all
    select policy_key, 'a period is a whole, positive number of years, months or days' as problem
    from checked
    where not is_missing
        and setting_kind = 'period'
        and (
            unit is null
            or unit not in ('years', 'months', 'days')
            or amount is null
            or amount <= 0
            or amount <> floor(amount)
        )
    union all
    select policy_key, 'a share is a number of unit share, 0 or more' as problem
    from checked
    where not is_missing
        and setting_kind = 'share'
        and (unit is distinct from 'share' or amount is null or amount < 0)
    union all
    select policy_key, 'legal basis in both languages (or "policy choice") and both justifications are required' as problem
    from checked
    where not is_missing
        and (
            nullif(trim(legal_basis), '') is null
            or nullif(trim(legal_basis_nl), '') is null
            or nullif(trim(justification_en), '') is null
            or nullif(trim(justification_nl), '') is null
        )
)

select * from problems

{% endtest %}
