{#- No two rows share the values of `columns` (the grain of a model with a compound key). -#}
{% test rows_unique_by(model, columns) %}

with duplicates as (
    select
        {{ columns | join(', ') }},
        count(*) as row_count,
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
)

select * from duplicates

{% endtest %}
