{#- RULES.md "address_sha256": lower-case hex SHA-256 of the UTF-8 normalised address. DuckDB's
    sha256 writes lower-case hex itself (the tests compare with Python's hashlib); a lower()
    around it was a third of suppression_list's hashing at 1,000,000 contacts. -#}
{% macro sha256_hex(column) -%}
    sha256({{ column }})
{%- endmacro %}
