{#- RULES.md M10: the keyed hash of a normalised address (lower-case hex HMAC-SHA-256 under the
    secret HYGIENE_HASH_KEY). DuckDB has no HMAC: hmac_sha256 is a UDF registered by the
    dbt-duckdb plugin plugins/hygiene/dbt_udfs.py (profiles.yml `plugins:`). Never use an
    unkeyed hash for tombstones: an e-mail address can be recovered from it by guessing. -#}
{% macro address_hmac(column) -%}
    hmac_sha256({{ column }})
{%- endmacro %}
