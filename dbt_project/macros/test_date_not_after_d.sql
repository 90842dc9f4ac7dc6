{#- No date in `column_name` is after D, the run's reference date (RULES.md "Terms"): a list
    "due on or before D" never names a later date. -#}
{% test date_not_after_d(model, column_name) %}

with too_late as (
    select *
    from {{ model }}
    where {{ column_name }} > {{ run_date() }}
)

select * from too_late

{% endtest %}
