"""A returned case's edit page shows the secretariat's comment at the top of the form."""

from django.urls import reverse

from governance.models import PhaseKind
from governance.services.workflow import case_return
from portfolio.models import CaseState

from .governance_helpers import case_in, open_phases


def test_the_edit_page_of_a_returned_case_shows_the_return_comment(
    client, department, cycle, staff, secretariat
):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    case = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)
    case_return(actor=secretariat, case_pk=case.pk, comment="Økonomien for 2029 mangler.")
    client.force_login(staff)
    html = client.get(reverse("portfolio:case-edit", args=[case.pk])).content.decode()
    assert "Sendt tilbage af sekretariatet" in html
    assert "Økonomien for 2029 mangler." in html
    assert html.index("Økonomien for 2029 mangler.") < html.index('class="case-form"')


def test_a_draft_has_no_return_notice(client, department, cycle, staff):
    case = case_in(CaseState.DRAFT, department=department, cycle=cycle)
    client.force_login(staff)
    html = client.get(reverse("portfolio:case-edit", args=[case.pk])).content.decode()
    assert "Sendt tilbage af sekretariatet" not in html
