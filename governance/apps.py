from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'governance'
    # The admin's section heading.
    verbose_name = _("Process and decisions")

    def ready(self):
        # The case page lives in portfolio, which does not import governance:
        # hand it the workflow's part of the page through its registry.
        from portfolio.case_page import register_case_form_context, register_case_page_context

        from .actions import case_form_workflow_context, case_workflow_context

        register_case_page_context(case_workflow_context)
        register_case_form_context(case_form_workflow_context)

        from .commonfirst.views import case_page_context as common_first_context

        register_case_page_context(common_first_context)

        from .followup.views import case_page_context as followup_context

        register_case_page_context(followup_context)
        from .notes.views import case_note_page_context

        register_case_page_context(case_note_page_context)
        from .board import signals  # noqa: F401 (a qualified case goes onto the board)
