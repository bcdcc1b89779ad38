"""Template filters for money and dates in Danish format. No queries, no rules."""

from django import template

from kkdigital.lib import money

register = template.Library()


@register.filter
def kr(value):
    """{{ 1234567|kr }} → 1.234.567 kr."""
    return money.format_kr(value)


@register.filter
def number(value):
    """{{ 1234567|number }} → 1.234.567"""
    return money.format_number(value)


@register.filter
def thousands(value):
    """{{ 1234567|thousands }} → 1.235 (in 1.000 kr.)"""
    return money.format_thousands(value)
