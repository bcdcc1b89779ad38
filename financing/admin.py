from django.contrib import admin

from kkdigital.admin import HistoryAdmin
from kkdigital.imports import SafeImportExportMixin

from . import resources
from .models import ChannelCapacity, FinancingChannel


class ChannelCapacityInline(admin.TabularInline):
    model = ChannelCapacity
    extra = 0
    fields = ("year", "amount", "price_year", "is_demo", "note")


@admin.register(FinancingChannel)
class FinancingChannelAdmin(SafeImportExportMixin, HistoryAdmin):
    resource_classes = [resources.FinancingChannelResource]
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "description", "criteria")
    inlines = [ChannelCapacityInline]


@admin.register(ChannelCapacity)
class ChannelCapacityAdmin(SafeImportExportMixin, HistoryAdmin):
    resource_classes = [resources.ChannelCapacityResource]
    list_display = ("channel", "year", "amount", "price_year", "is_demo", "note")
    list_filter = ("channel", "year", "is_demo")
    search_fields = ("channel__name", "note")
