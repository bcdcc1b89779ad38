"""The admin site: for the secretariat (and superusers) only.

The admin is a window on the process, not a second way into it. Two rules hold
for every model registered here, now and later:

* **History is shown, never reverted.** django-simple-history's "revert" form
  saves a historical version with only view permission checked and around the
  services' rules; the site refuses every POST to it (403), whatever the model
  admin says (:meth:`SecretariatAdminSite.admin_view`).
* **What the workflow governs is read-only.** A model whose rows change through
  services (cases, their economy and principle links, transitions, assessments,
  decisions, meetings, rounds, notifications, cycles and phases) is registered
  with :class:`GovernedAdmin`: no add, change or delete in the admin, so status,
  cycle, department and version change only through their services. Master
  data (strategy, departments, channels, capacities, users and roles) uses
  :class:`HistoryAdmin` and stays editable.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


def _refuse_history_revert(view):
    """Wrap simple-history's history form view: GET shows a version, POST is refused."""

    def history_form_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            raise PermissionDenied("history is never reverted in the admin")
        try:
            return view(request, *args, **kwargs)
        except (ValueError, ValidationError):
            # simple-history looks ids up unchecked: a malformed one is not found.
            raise Http404 from None

    history_form_view.__name__ = view.__name__
    return history_form_view


class SecretariatAdminSite(admin.AdminSite):
    site_header = _("KK Digital administration")
    site_title = _("KK Digital administration")
    index_title = _("Master data and records")

    def has_permission(self, request):
        """Staff status is not enough: only the secretariat keeps the master data."""
        from portfolio.models import Role

        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.has_role(Role.SECRETARIAT))
        )

    def admin_view(self, view, cacheable=False):
        # Every model admin's URLs pass through here, so the revert form is
        # closed for models registered by anyone, with any admin class.
        if getattr(view, "__name__", "") == "history_form_view":
            view = _refuse_history_revert(view)
        return super().admin_view(view, cacheable)


class KKAdminConfig(AdminConfig):
    default_site = "kkdigital.admin.SecretariatAdminSite"


class HistoryAdmin(SimpleHistoryAdmin):
    """Master data: editable, its history shown with the revert button hidden."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        # simple-history looks the id up unchecked: "27/change" answered 500.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)


class GovernedAdmin(HistoryAdmin):
    """A record the workflow governs: the admin shows it and its history only.

    Use it (``@admin.register(Model) class ModelAdmin(GovernedAdmin)``) for every
    model whose rows are written by services; tests/test_admin_governed.py walks
    the registry and fails for a model that is neither governed nor listed as
    master data there.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # A record without simple-history (a transition, a notification) is itself the
    # history: it gets the admin's plain pages.
    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if not self._has_history():
            self.object_history_template = None

    def _has_history(self):
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def get_urls(self):
        if self._has_history():
            return super().get_urls()
        return admin.ModelAdmin.get_urls(self)

    def history_view(self, request, object_id, extra_context=None):
        if self._has_history():
            return super().history_view(request, object_id, extra_context)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def get_inlines(self, request, obj):
        # Inlines of a read-only record are shown read-only as well.
        return [_read_only_inline(inline) for inline in super().get_inlines(request, obj)]


def _read_only_inline(inline):
    class ReadOnlyInline(inline):
        def has_add_permission(self, request, obj=None):
            return False

        def has_change_permission(self, request, obj=None):
            return False

        def has_delete_permission(self, request, obj=None):
            return False

    ReadOnlyInline.__name__ = inline.__name__
    return ReadOnlyInline
