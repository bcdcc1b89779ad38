from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kkdigital.admin import GovernedAdmin, HistoryAdmin
from kkdigital.imports import SafeImportExportMixin

from . import resources
from .models import CaseEconomyLine, CasePrinciple, Department, InvestmentCase, Role, User
from .register import admin as register_admin  # noqa: F401 (registers the register's models)


@admin.register(Department)
class DepartmentAdmin(SafeImportExportMixin, HistoryAdmin):
    resource_classes = [resources.DepartmentResource]
    list_display = ("name", "code", "note_prefix")
    list_filter = ("note_prefix",)
    search_fields = ("name", "code", "note_prefix")


def _permission_pks(user) -> set[int]:
    """The permissions held through roles and directly, whether or not the user is
    active: a deactivated administrator is still one once reactivated."""
    return set(
        Permission.objects.filter(Q(group__user=user) | Q(user=user)).values_list("pk", flat=True)
    )


def exceeds_rights_of(target, editor) -> bool:
    """Whether ``target`` is a superuser or holds a permission ``editor`` lacks: then
    only a superuser may change, deactivate, delete or set a password for them."""
    if editor.is_superuser:
        return False
    if target.is_superuser:
        return True
    return not _permission_pks(target) <= _permission_pks(editor)


def grantable_groups(editor):
    """The roles whose every permission ``editor`` holds."""
    return Group.objects.exclude(
        permissions__in=Permission.objects.exclude(pk__in=_permission_pks(editor))
    ).order_by("name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin, HistoryAdmin):
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

    def has_change_permission(self, request, obj=None):
        # Covers the change form (deactivation included) and the password form.
        if obj is not None and exceeds_rights_of(obj, request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and exceeds_rights_of(obj, request.user):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        # Only roles whose permissions the editor holds itself can be given.
        if db_field.name == "groups" and request is not None and not request.user.is_superuser:
            kwargs["queryset"] = grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
class InvestmentCaseAdmin(GovernedAdmin):
    """Cases are written by the departments and moved by the workflow services;
    the admin shows them (state, cycle, department and version included)."""

    list_display = ("title", "department", "scope", "case_type", "state", "cycle", "updated_at")
    list_filter = ("cycle", "state", "department", "scope", "case_type", "risk_level")
    search_fields = ("title", "summary", "contact_name")
    list_select_related = ("department", "cycle")
    inlines = [CasePrincipleInline, CaseEconomyLineInline]


@admin.register(CasePrinciple)
class CasePrincipleAdmin(GovernedAdmin):
    list_display = ("case", "principle")
    list_filter = ("principle", "case__cycle")
    search_fields = ("case__title", "justification")
    list_select_related = ("case", "principle")


@admin.register(CaseEconomyLine)
class CaseEconomyLineAdmin(GovernedAdmin):
    list_display = ("case", "kind", "year", "amount")
    list_filter = ("kind", "year", "case__cycle")
    search_fields = ("case__title",)
    list_select_related = ("case",)
