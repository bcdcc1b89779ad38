"""Download a case's budget note as PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from kkdigital.lib.http import no_store
from portfolio.permissions import get_case_for, security_log

from .permissions import can_download_case_note
from .render import case_note_filename, case_note_pdf


@login_required
@no_store
def case_note_download(request, pk):
    """The note is rendered on request: one case's note is quick (about a second)."""
    case = get_case_for(request.user, pk)
    if not can_download_case_note(request.user, case, known_visible=True):
        security_log.warning("refused 403 user=%s case=%s action=note", request.user.pk, pk)
        raise PermissionDenied
    variant = "archive" if request.GET.get("variant") == "archive" else "ua"
    response = HttpResponse(case_note_pdf(case, variant=variant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case_note_filename(case)}"'
    return response


def case_note_page_context(user, case) -> dict:
    """The case page's link to its budget note, for those who may download it."""
    from django.urls import reverse

    # The case page read the case through get_case_for: it is visible to the user.
    if not can_download_case_note(user, case, known_visible=True):
        return {}
    return {"budget_note_url": reverse("governance:case-note", args=[case.pk])}
