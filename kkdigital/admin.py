"""The admin site: for the secretariat (and superusers) only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


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


class KKAdminConfig(AdminConfig):
    default_site = "kkdigital.admin.SecretariatAdminSite"
