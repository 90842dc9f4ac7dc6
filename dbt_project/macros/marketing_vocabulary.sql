{#- The channels and purposes of RULES.md "Terms", in one place: `all` in an event means every
    value of these lists (see expand_all). Soft opt-in (M2) covers only own, similar products:
    never partner_offers. -#}
{% macro marketing_channels() -%}
    {{ return(['email', 'sms']) }}
{%- endmacro %}

{% macro marketing_purposes() -%}
    {{ return(['newsletter', 'offers', 'partner_offers']) }}
{%- endmacro %}

{% macro soft_opt_in_purposes() -%}
    {{ return(['newsletter', 'offers']) }}
{%- endmacro %}

{#- A SQL list literal of strings, e.g. ['email', 'sms']. -#}
{% macro sql_string_list(values) -%}
    [{% for value in values %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor %}]
{%- endmacro %}
