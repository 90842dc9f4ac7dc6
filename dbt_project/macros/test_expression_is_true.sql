{#- Generic data test: every row satisfies the SQL expression. Fail closed: a row for which
    the expression is null fails too, so write expressions that are null-safe. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
