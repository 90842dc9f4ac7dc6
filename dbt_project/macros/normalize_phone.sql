{#- RULES.md "Address": phone numbers to E.164. Dutch spellings `06 12345678`,
    `+31 (0)6 1234 5678`, `0031612345678` all become `+31612345678`. A number that does not
    normalise is invalid (null): never mailed, reported, and it does not break the run. -#}
{% macro normalize_phone(column) -%}
    {%- set digits -%}
        regexp_replace(replace({{ column }}, '(0)', ''), '[\s\-\.\(\)/]', '', 'g')
    {%- endset -%}
    {%- set e164 -%}
        case
            when {{ digits }} like '+%' then {{ digits }}
            when {{ digits }} like '00%' then '+' || substr({{ digits }}, 3)
            when {{ digits }} like '0%' then '+31' || substr({{ digits }}, 2)
        end
    {%- endset -%}
    case
        -- Dutch numbers have nine digits after the country code
        when ({{ e164 }}) like '+31%'
            then case when regexp_full_match({{ e164 }}, '\+31[1-9][0-9]{8}') then {{ e164 }} end
        when regexp_full_match({{ e164 }}, '\+[1-9][0-9]{7,14}') then {{ e164 }}
    end
{%- endmacro %}
