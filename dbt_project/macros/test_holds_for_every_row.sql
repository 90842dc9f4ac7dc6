{#- `expression` (SQL over the model's columns) is true for every row; null counts as false. -#}
{% test holds_for_every_row(model, expression) %}

with violations as (
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
)

select * from violations

{% endtest %}
