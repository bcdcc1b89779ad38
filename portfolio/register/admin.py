"""The register in the admin: the secretariat keeps the KITOS unit mapping and the
radar's settings; systems, contracts and imports are read here (KITOS is the source)."""

from django.contrib import admin

from kkdigital.admin import GovernedAdmin, HistoryAdmin

from .models import Contract, ImportJob, ITSystem, OrgUnitMapping, RegisterSettings
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


@admin.register(ITSystem)
class ITSystemAdmin(GovernedAdmin):
    list_display = ("name", "owner_department", "lifecycle", "business_critical", "missing_since")
    list_filter = ("owner_department", "lifecycle", "business_critical")
    search_fields = ("name", "supplier", "kitos_uuid")


@admin.register(Contract)
class ContractAdmin(GovernedAdmin):
    list_display = ("name", "owner_department", "valid_to", "decision_date", "missing_since")
    list_filter = ("owner_department",)
    search_fields = ("name", "contract_id", "supplier", "kitos_uuid")


@admin.register(ImportJob)
class ImportJobAdmin(GovernedAdmin):
    list_display = ("file_name", "kind", "status", "created_by", "created_at")
    exclude = ("content",)
    readonly_fields = ("kind", "status", "file_name", "created_by", "created_at", "started_at",
                       "finished_at", "rows_total", "rows_done", "report", "error")
