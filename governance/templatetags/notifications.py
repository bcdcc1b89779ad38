"""The unread count for the header."""

from django import template

from governance.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    """{% unread_notifications_count as unread %}: the user's unread notifications.

    One query per request, however often the header asks.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if request is not None and hasattr(request, "_kk_unread_notifications"):
        return request._kk_unread_notifications
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    if request is not None:
        request._kk_unread_notifications = count
    return count
