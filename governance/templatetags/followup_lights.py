"""The word of a traffic light (for the PDF, where the word stands alone)."""

from django import template

from governance.followup.models import Light

register = template.Library()


@register.filter
def light_word(value) -> str:
    try:
        return str(Light(value).label)
    except ValueError:
        return ""
