{#- RULES.md "Terms"/M5: `all` in an event counts for every channel or every purpose. Use in a
    select list; it yields one row per value (one row with the value itself when it is not
    `all`). Expand one column per CTE: two unnests in one select are zipped, not crossed. -#}
{% macro expand_all(column, values) -%}
    unnest(
        case
            when {{ column }} = 'all' then {{ sql_string_list(values) }}
            else [{{ column }}]
        end
    )
{%- endmacro %}
