"""The register in the admin: master data the secretariat keeps — the mapping of
KITOS organisation units to departments and the radar's settings. Systems,
contracts and imports are read on the register's own pages (KITOS is their source)."""

from django.contrib import admin

from kkdigital.admin import HistoryAdmin

from .models import OrgUnitMapping, RegisterSettings
from .services import register_settings_update


@admin.register(OrgUnitMapping)
class OrgUnitMappingAdmin(HistoryAdmin):
    list_display = ("kitos_unit", "department")
    list_filter = ("department",)
    search_fields = ("kitos_unit",)


@admin.register(RegisterSettings)
class RegisterSettingsAdmin(HistoryAdmin):
    list_display = ("__str__", "tender_lead_months", "radar_months", "auto_case_months")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RegisterSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: every contract's decision date follows the lead time.
        saved = register_settings_update(
            actor=request.user,
            tender_lead_months=obj.tender_lead_months,
            radar_months=obj.radar_months,
            auto_case_months=obj.auto_case_months,
        )
        obj.pk = saved.pk
