from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'portfolio'
    # The admin's section heading.
    verbose_name = _("Cases and departments")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .signals import update_last_login_without_history

        # Replaces django.contrib.auth's receiver (same dispatch_uid), which would
        # write a historical user row at every login.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_without_history,
                               dispatch_uid="update_last_login")

        from kkdigital.middleware import mark_login_time

        user_logged_in.connect(mark_login_time, dispatch_uid="kk_mark_login_time")
