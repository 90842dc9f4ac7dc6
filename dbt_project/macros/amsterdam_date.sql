{#- The date of a timestamp in Europe/Amsterdam (RULES.md "Terms"): a UTC time late in the
    evening is already the next day here. -#}
{% macro amsterdam_date(column) -%}
    cast(timezone('Europe/Amsterdam', {{ column }}) as date)
{%- endmacro %}
