from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'financing'
    # The admin's section heading.
    verbose_name = _("Financing")
