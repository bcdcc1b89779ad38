from django.contrib import admin

from kkdigital.admin import HistoryAdmin
from kkdigital.imports import SafeImportExportMixin

from . import resources
from .models import (
    Ambition,
    DepartmentStrategy,
    Potential,
    Principle,
    SignatureProject,
    Strategy,
    TargetMetric,
    Theme,
    ThemeGoal,
)


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ("number", "name", "headline")


class ThemeGoalInline(admin.TabularInline):
    model = ThemeGoal
    extra = 0
    fields = ("order", "text")


@admin.register(Strategy)
class StrategyAdmin(SafeImportExportMixin, HistoryAdmin):
    resource_classes = [resources.StrategyResource]
    list_display = ("name", "version", "starts_year", "ends_year", "approved_on")
    list_filter = ("starts_year",)
    search_fields = ("name", "vision")
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(SafeImportExportMixin, HistoryAdmin):
    resource_classes = [resources.ThemeResource]
    list_display = ("number", "name", "strategy")
    list_filter = ("strategy",)
    search_fields = ("name", "headline")
    inlines = [ThemeGoalInline]


@admin.register(ThemeGoal)
class ThemeGoalAdmin(SafeImportExportMixin, HistoryAdmin):
    resource_classes = [resources.ThemeGoalResource]
    list_display = ("__str__", "theme", "order")
    list_filter = ("theme__strategy", "theme")
    search_fields = ("text",)


class FrameElementAdmin(SafeImportExportMixin, HistoryAdmin):
    list_display = ("number", "name")
    list_filter = ("number",)
    search_fields = ("name", "description")


@admin.register(Principle)
class PrincipleAdmin(FrameElementAdmin):
    resource_classes = [resources.PrincipleResource]


@admin.register(Ambition)
class AmbitionAdmin(FrameElementAdmin):
    resource_classes = [resources.AmbitionResource]


@admin.register(Potential)
class PotentialAdmin(FrameElementAdmin):
    resource_classes = [resources.PotentialResource]


class TargetMetricInline(admin.StackedInline):
    model = TargetMetric
    extra = 0
    fields = (
        "order", "name", "kind", "unit", "target_low", "target_high", "due_year", "description"
    )


class SignatureProjectInline(admin.StackedInline):
    model = SignatureProject
    extra = 0
    fields = ("number", "name", "description", "cases")
    autocomplete_fields = ("cases",)


@admin.register(DepartmentStrategy)
class DepartmentStrategyAdmin(HistoryAdmin):
    """A department's own strategy with its targets and signature projects."""

    list_display = ("name", "department", "starts_year", "ends_year", "approved_on")
    list_filter = ("department",)
    search_fields = ("name", "summary")
    inlines = [TargetMetricInline, SignatureProjectInline]
