"""The IT directors' prioritisation, its publication and its confidentiality."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.actions import case_workflow_context
from governance.models import (
    Assessment,
    CaseTransition,
    PhaseKind,
    PrioritisationRound,
    Recommendation,
)
from governance.services.prioritisation import assessment_save, prioritisation_publish
from governance.services.workflow import TransitionError
from portfolio.models import CaseState

from .governance_helpers import case_in, open_phases, use_fast_password_hasher

PAGE = "/proces/prioritering/"
EXPORT = "/proces/prioritering/eksport.csv"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    use_fast_password_hasher(settings)


@pytest.fixture
def own(department, cycle):
    return case_in(CaseState.QUALIFIED, department=department, cycle=cycle, title="Egen sag")


@pytest.fixture
def others(other_department, cycle):
    return case_in(
        CaseState.QUALIFIED, department=other_department, cycle=cycle, title="Andres sag"
    )


@pytest.fixture
def assessed(own, others, director, cycle):
    open_phases(cycle, PhaseKind.PRIORITISATION)
    assessment_save(
        actor=director, case_pk=own.pk, score=2, rank=2,
        recommendation=Recommendation.NOT_RECOMMENDED, reason="Overlapper med fælles platform",
    )
    assessment_save(
        actor=director, case_pk=others.pk, score=5, rank=1,
        recommendation=Recommendation.PRIORITISE, reason="Stort gevinstpotentiale",
    )
    return own, others


# Assessing


def test_director_assesses_a_qualified_case(own, director):
    assessment = assessment_save(
        actor=director, case_pk=own.pk, score=4, rank=1,
        recommendation=Recommendation.PRIORITISE, reason="",
    )
    assert (assessment.score, assessment.rank, assessment.assessed_by) == (4, 1, director)
    assert assessment.history.first().history_user == director


@pytest.mark.parametrize("who", ["it_lead", "staff", "committee_reader"])
def test_others_cannot_assess(own, who, request):
    with pytest.raises(PermissionDenied):
        assessment_save(
            actor=request.getfixturevalue(who), case_pk=own.pk, score=5, rank=1,
            recommendation=Recommendation.PRIORITISE, reason="",
        )
    assert not Assessment.objects.exists()


def test_not_recommended_needs_a_reason(own, director):
    with pytest.raises(ValidationError) as invalid:
        assessment_save(
            actor=director, case_pk=own.pk, score=1, rank=None,
            recommendation=Recommendation.NOT_RECOMMENDED, reason=" ",
        )
    assert "reason" in invalid.value.message_dict
    assert not Assessment.objects.exists()


def test_a_rank_is_held_by_one_case_per_cycle(own, others, director):
    assessment_save(actor=director, case_pk=own.pk, score=3, rank=1, recommendation="", reason="")
    with pytest.raises(ValidationError):
        assessment_save(
            actor=director, case_pk=others.pk, score=3, rank=1, recommendation="", reason=""
        )


def test_a_case_that_is_not_qualified_cannot_be_assessed(department, cycle, director):
    submitted = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)
    with pytest.raises(PermissionDenied):
        assessment_save(
            actor=director, case_pk=submitted.pk, score=3, rank=None, recommendation="", reason=""
        )


# Publishing


def test_publishing_moves_every_qualified_case_with_the_reason(assessed, secretariat, cycle):
    own, others = assessed
    publication = prioritisation_publish(actor=secretariat, cycle=cycle)

    own.refresh_from_db()
    others.refresh_from_db()
    assert own.state == CaseState.NOT_RECOMMENDED
    assert others.state == CaseState.PRIORITISED
    assert CaseTransition.objects.get(case=own).comment == "Overlapper med fælles platform"
    assert publication.published_by == secretariat


def test_publishing_is_refused_while_a_case_lacks_an_assessment(own, others, director,
                                                                secretariat, cycle):
    open_phases(cycle, PhaseKind.PRIORITISATION)
    assessment_save(actor=director, case_pk=own.pk, score=4, rank=1,
                    recommendation=Recommendation.PRIORITISE, reason="")
    with pytest.raises(TransitionError) as refused:
        prioritisation_publish(actor=secretariat, cycle=cycle)
    assert "Andres sag" in refused.value.message
    own.refresh_from_db()
    assert own.state == CaseState.QUALIFIED
    assert not PrioritisationRound.objects.exists()
    assert not CaseTransition.objects.exists()


def test_only_the_secretariat_publishes(assessed, director, cycle):
    with pytest.raises(TransitionError):
        prioritisation_publish(actor=director, cycle=cycle)
    assert not PrioritisationRound.objects.exists()


def test_publishing_outside_the_phase_needs_a_reason(assessed, secretariat, cycle):
    own, _ = assessed
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    with pytest.raises(TransitionError):
        prioritisation_publish(actor=secretariat, cycle=cycle)
    own.refresh_from_db()
    assert own.state == CaseState.QUALIFIED
    assert not PrioritisationRound.objects.exists()

    prioritisation_publish(actor=secretariat, cycle=cycle, override_reason="Direktørmøde rykket")
    assert set(CaseTransition.objects.values_list("phase_override_reason", flat=True)) == {
        "Direktørmøde rykket"
    }


def test_assessments_are_frozen_once_published(assessed, secretariat, director, cycle):
    own, _ = assessed
    prioritisation_publish(actor=secretariat, cycle=cycle)
    with pytest.raises(PermissionDenied):
        assessment_save(actor=director, case_pk=own.pk, score=5, rank=1,
                        recommendation=Recommendation.PRIORITISE, reason="")


# Confidentiality


def test_page_sends_anonymous_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_export_sends_anonymous_to_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_export_does_not_let_a_title_run_as_a_formula(client, department, cycle, director):
    case_in(CaseState.QUALIFIED, department=department, cycle=cycle, title="=HYPERLINK(1)")
    client.force_login(director)
    export = client.get(EXPORT).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in export


def test_department_sees_no_scores_before_publication(client, assessed, it_lead):
    client.force_login(it_lead)

    page = client.get(PAGE).content.decode()
    export = client.get(EXPORT).content.decode("utf-8-sig")

    assert "Egen sag" in page and "Andres sag" not in page
    for secret in ("Overlapper med fælles platform", "Stort gevinstpotentiale", "Ikke anbefalet"):
        assert secret not in page
        assert secret not in export
    assert "ikke offentliggjort" in page
    own_row = next(line for line in export.splitlines() if line.startswith("Egen sag"))
    assert own_row.split(";")[3:] == ["", "", "", ""]
    assert Assessment.objects.visible_to(it_lead).count() == 0


def test_department_sees_its_own_recommendation_and_reason_after_publication(
    client, assessed, it_lead, secretariat, cycle
):
    own, _ = assessed
    prioritisation_publish(actor=secretariat, cycle=cycle)
    client.force_login(it_lead)

    page = client.get(PAGE).content.decode()
    export = client.get(EXPORT).content.decode("utf-8-sig")

    assert "Overlapper med fælles platform" in page and "Ikke anbefalet" in page
    assert "Overlapper med fælles platform" in export
    assert "Stort gevinstpotentiale" not in page and "Stort gevinstpotentiale" not in export
    assert case_workflow_context(it_lead, own)["assessment"].reason == (
        "Overlapper med fælles platform"
    )


def test_directors_and_secretariat_see_everything_before_publication(
    client, assessed, director, secretariat
):
    for user in (director, secretariat):
        client.force_login(user)
        page = client.get(PAGE).content.decode()
        export = client.get(EXPORT).content.decode("utf-8-sig")
        assert "Stort gevinstpotentiale" in page and "Overlapper med fælles platform" in page
        assert "Stort gevinstpotentiale" in export
        # Ranked first, listed first.
        assert page.index("Andres sag") < page.index("Egen sag")


def test_case_page_context_hides_the_assessment_before_publication(assessed, it_lead, director):
    own, _ = assessed
    assert case_workflow_context(it_lead, own)["assessment"] is None
    assert case_workflow_context(director, own)["assessment"].score == 2


def test_the_page_lists_with_few_queries(client, assessed, director, django_assert_max_num_queries):
    client.force_login(director)
    with django_assert_max_num_queries(20):
        assert client.get(PAGE).status_code == 200


# The page's forms


def test_director_saves_an_assessment_through_the_page(client, own, director, cycle):
    client.force_login(director)
    url = reverse("governance:assessment-edit", args=[own.pk])
    response = client.post(url, {
        f"case{own.pk}-score": "4", f"case{own.pk}-rank": "1",
        f"case{own.pk}-recommendation": Recommendation.PRIORITISE,
        f"case{own.pk}-reason": "Godt",
    })
    assert response.status_code == 302
    assert Assessment.objects.get(case=own).score == 4


def test_a_bad_assessment_is_shown_next_to_the_field(client, own, director):
    client.force_login(director)
    url = reverse("governance:assessment-edit", args=[own.pk])
    response = client.post(url, {
        f"case{own.pk}-score": "9",
        f"case{own.pk}-recommendation": Recommendation.NOT_RECOMMENDED,
        f"case{own.pk}-reason": "",
    })
    content = response.content.decode()
    assert response.status_code == 400
    assert "form-error-message" in content
    assert "Begrund, hvorfor sagen ikke anbefales." in content
    assert not Assessment.objects.exists()


def test_department_cannot_post_an_assessment(client, own, it_lead):
    client.force_login(it_lead)
    url = reverse("governance:assessment-edit", args=[own.pk])
    response = client.post(url, {f"case{own.pk}-score": "5"})
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_secretariat_publishes_through_the_page(client, assessed, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(reverse("governance:prioritisation-publish", args=[cycle.pk]))
    assert response.status_code == 302
    assert PrioritisationRound.objects.filter(cycle=cycle).exists()


def test_director_cannot_publish_through_the_page(client, assessed, director, cycle):
    client.force_login(director)
    response = client.post(reverse("governance:prioritisation-publish", args=[cycle.pk]))
    assert response.status_code == 403
    assert not PrioritisationRound.objects.exists()


def test_a_refused_publication_is_shown_as_an_alert(client, own, secretariat, cycle):
    open_phases(cycle, PhaseKind.PRIORITISATION)
    client.force_login(secretariat)
    response = client.post(reverse("governance:prioritisation-publish", args=[cycle.pk]))
    assert response.status_code == 400
    assert "alert-error" in response.content.decode()
    assert not PrioritisationRound.objects.exists()
