"""The one way a view tells a person that a service refused.

Every view that calls a service catches :class:`~kkdigital.lib.errors.ServiceError`
(and Django's ``ValidationError`` from a model's ``full_clean``) and hands it
to :func:`report_refusal`: the message goes to the top of the page (Django's
messages framework), each problem goes next to its field on the form, and a
problem without a field on the form goes to the form's error summary. The
view then renders the page again with the person's input kept.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError


def refusal_parts(refusal: ServiceError | ValidationError) -> tuple[str, dict[str, list[str]]]:
    """The refusal's message and its problems by field."""
    if isinstance(refusal, ValidationError):
        if hasattr(refusal, "error_dict"):
            return _("Nothing was saved: correct the marked fields."), {
                field: [str(m) for m in errors] for field, errors in refusal.message_dict.items()
            }
        return " ".join(str(m) for m in refusal.messages), {}
    problems = {field: [str(m) for m in items] for field, items in refusal.problems.items()}
    return str(refusal.message), problems


def report_refusal(request, refusal: ServiceError | ValidationError, *forms) -> None:
    """Put ``refusal`` on the page: its message in messages, each problem on the first
    of ``forms`` that has its field (else in the first form's error summary)."""
    message, problems = refusal_parts(refusal)
    messages.error(request, message)
    for field, items in problems.items():
        target = next((form for form in forms if field in form.fields), None)
        for item in items:
            if target is not None:
                target.add_error(field, item)
            elif forms:
                forms[0].add_error(None, item)
            elif item != message:
                messages.error(request, item)
