{#- RULES.md "Address": trimmed and lower-cased; it must look like local@domain.tld, else it
    is invalid (null here; see email_status). -#}
{% macro clean_email(column) -%}
    lower(regexp_replace({{ column }}, '^\s+|\s+$', '', 'g'))
{%- endmacro %}

{% macro normalize_email(column) -%}
    case
        when regexp_full_match({{ clean_email(column) }}, '[^@\s]+@[^@\s]+\.[a-z]{2,}')
            then {{ clean_email(column) }}
    end
{%- endmacro %}

{#- missing / invalid / valid: invalid addresses are never mailed but are reported. -#}
{% macro address_status(raw_column, normalized_column) -%}
    case
        when nullif(trim({{ raw_column }}), '') is null then 'missing'
        when {{ normalized_column }} is null then 'invalid'
        else 'valid'
    end
{%- endmacro %}
