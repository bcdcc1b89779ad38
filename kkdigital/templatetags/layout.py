"""The page layout's own tags. No queries, no rules."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    """{% main_menu as menu %}: the main navigation's list, rendered once.

    The layout shows it twice (the wide menu and the mobile drawer); the items and
    who sees which are ``nav_items`` (``kkdigital.navigation``). The layout asks for
    it before the header, so that the user's roles are read before the department
    and the unread count, and the three come in one query
    (``kkdigital.middleware.UserHeaderMiddleware``). Without items (signed out) it
    is empty, and the layout does not show it.
    """
    if not context.get("nav_items"):
        return ""
    return render_to_string("includes/main_menu.html", {"nav_items": context["nav_items"]})
