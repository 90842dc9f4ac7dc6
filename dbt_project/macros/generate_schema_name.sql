{#- Schemas are named after the layer (staging, intermediate, marts), not prefixed with the
    target schema: there is one warehouse per run and other code reads marts.* by name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
