"""What other apps add to the case page, without portfolio importing them.

Imports point one way: portfolio never imports governance. The process app
registers a provider here when it starts (``GovernanceConfig.ready``), and the
case page's view asks ``case_page_context(user, case)`` for everything the
providers add: the workflow buttons, the return notice, the directors'
assessment (when the user may see it) and the committee's decisions.
"""

from collections.abc import Callable

CaseContextProvider = Callable[[object, object], dict]

_providers: list[CaseContextProvider] = []


def register_case_page_context(provider: CaseContextProvider) -> CaseContextProvider:
    """Add ``provider(user, case) -> dict`` to the case page's context (once)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def case_page_context(user, case) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(user, case))
    return context


_form_providers: list[CaseContextProvider] = []


def register_case_form_context(provider: CaseContextProvider) -> CaseContextProvider:
    """Add ``provider(user, case) -> dict`` to the case edit form's context (once):
    governance hands it the secretariat's comment on a returned case."""
    if provider not in _form_providers:
        _form_providers.append(provider)
    return provider


def case_form_context(user, case) -> dict:
    context: dict = {}
    for provider in _form_providers:
        context.update(provider(user, case))
    return context
