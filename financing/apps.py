from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'financing'
    # The admin's section heading.
    verbose_name = _("Financing")

    def ready(self):
        # Portfolio does not import financing: hand the case page its money section
        # and the department plan the one p/l conversion through their registries.
        from portfolio.case_page import register_case_page_context
        from portfolio.economy import register_price_converter

        from .case_page import case_financing_context
        from .prices import convert, price_indices

        register_case_page_context(case_financing_context)
        register_price_converter(convert, price_indices)
