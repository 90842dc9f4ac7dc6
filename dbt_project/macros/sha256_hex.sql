{#- RULES.md "address_sha256": lower-case hex SHA-256 of the UTF-8 normalised address. -#}
{% macro sha256_hex(column) -%}
    lower(sha256({{ column }}))
{%- endmacro %}
