"""The user's own notifications: the list and marking them as read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.models import Notification
from governance.services.notifications import notification_mark_read

PAGE_SIZE = 25


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related("case")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    # Another user's notification does not exist for this user.
    if not Notification.objects.filter(pk=pk, recipient=request.user).exists():
        raise Http404("No such notification.")
    notification_mark_read(actor=request.user, notification_id=pk)
    return redirect("governance:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    changed = notification_mark_read(actor=request.user)
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("governance:notification-list")
