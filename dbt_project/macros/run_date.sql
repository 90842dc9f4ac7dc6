{#- D, the reference date of RULES.md "Terms": every "as of" uses it, never the clock. -#}
{% macro run_date() -%}
    {%- set d = var('run_date') -%}
    {%- if d is none and execute -%}
        {{ exceptions.raise_compiler_error("run_date is not set: pass --vars '{run_date: YYYY-MM-DD}' (D, the run's reference date)") }}
    {%- endif -%}
    cast('{{ d }}' as date)
{%- endmacro %}
