from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from . import resources
from .models import CaseEconomyLine, CasePrinciple, Department, InvestmentCase, Role, User
from .register import admin as register_admin  # noqa: F401 (registers the register's models)


@admin.register(Department)
class DepartmentAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [resources.DepartmentResource]
    list_display = ("name", "code", "note_prefix")
    list_filter = ("note_prefix",)
    search_fields = ("name", "code", "note_prefix")


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """People and their roles. Personal data: name, e-mail, department and role only."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "department")}),
        (_("Role"), {"fields": ("groups", "is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "last_name", "email", "department",
                           "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "first_name", "last_name", "email", "department", "is_active")
    list_filter = ("department", "groups", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email")
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined", "is_staff")

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes another superuser.
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "is_superuser")
        return fields

    def save_related(self, request, form, formsets, change):
        """Staff status follows the secretariat role: the admin login needs it."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        is_staff = user.is_superuser or user.groups.filter(name=Role.SECRETARIAT).exists()
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])


class CasePrincipleInline(admin.TabularInline):
    model = CasePrinciple
    extra = 0


class CaseEconomyLineInline(admin.TabularInline):
    model = CaseEconomyLine
    extra = 0


@admin.register(InvestmentCase)
class InvestmentCaseAdmin(SimpleHistoryAdmin):
    list_display = ("title", "department", "scope", "case_type", "state", "cycle", "updated_at")
    list_filter = ("cycle", "state", "department", "scope", "case_type", "risk_level")
    search_fields = ("title", "summary", "contact_name")
    list_select_related = ("department", "cycle")
    filter_horizontal = ("participating_departments", "themes", "potentials")
    # The state changes only through the workflow services.
    readonly_fields = ("state", "version", "created_by", "created_at", "updated_at")
    inlines = [CasePrincipleInline, CaseEconomyLineInline]

    def has_add_permission(self, request):
        # Cases are written by the departments in the app, never in the admin.
        return False

    def save_model(self, request, obj, form, change):
        # An edit here must make an open case form in the app stale.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(CasePrinciple)
class CasePrincipleAdmin(SimpleHistoryAdmin):
    list_display = ("case", "principle")
    list_filter = ("principle", "case__cycle")
    search_fields = ("case__title", "justification")
    list_select_related = ("case", "principle")


@admin.register(CaseEconomyLine)
class CaseEconomyLineAdmin(SimpleHistoryAdmin):
    list_display = ("case", "kind", "year", "amount")
    list_filter = ("kind", "year", "case__cycle")
    search_fields = ("case__title",)
    list_select_related = ("case",)
