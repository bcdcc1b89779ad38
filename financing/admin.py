from django.contrib import admin

from kkdigital.admin import GovernedAdmin, HistoryAdmin
from kkdigital.imports import SafeImportExportMixin

from . import resources
from .models import (
    Allocation,
    ChannelCapacity,
    FinancingChannel,
    Loan,
    LoanInstalment,
    LoanTerms,
    PoolRules,
    PriceIndex,
)


class ChannelCapacityInline(admin.TabularInline):
    model = ChannelCapacity
    extra = 0
    fields = ("year", "round", "amount", "price_year", "is_demo", "note")


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
    list_display = ("channel", "year", "round", "amount", "price_year", "is_demo", "note")
    list_filter = ("channel", "year", "is_demo")
    search_fields = ("channel__name", "note")


@admin.register(PriceIndex)
class PriceIndexAdmin(HistoryAdmin):
    """The secretariat keeps the price index; demo figures are marked."""

    list_display = ("year", "index", "is_demo", "note")
    list_filter = ("is_demo",)


@admin.register(PoolRules)
class PoolRulesAdmin(HistoryAdmin):
    list_display = ("cycle", "max_payback_years", "require_gains", "gains_cover_within_years")


@admin.register(LoanTerms)
class LoanTermsAdmin(HistoryAdmin):
    list_display = ("cycle", "term_years", "rate")


@admin.register(Allocation)
class AllocationAdmin(GovernedAdmin):
    list_display = ("case", "channel", "year", "round", "requested", "recommended", "granted")
    list_filter = ("channel", "year")
    search_fields = ("case__title", "case__note_code")
    list_select_related = ("case", "channel")


class LoanInstalmentInline(admin.TabularInline):
    model = LoanInstalment
    extra = 0
    fields = ("year", "principal_part", "interest_part", "moved_from_year")


@admin.register(Loan)
class LoanAdmin(GovernedAdmin):
    list_display = ("case", "department", "principal", "payout_year", "term_years", "rate")
    list_filter = ("department",)
    list_select_related = ("case", "department")
    inlines = [LoanInstalmentInline]
