"""Scoring by several directors against weighted criteria; sealed scoring; the queue."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.board.models import Criterion, Score
from governance.board.selectors import board_state, disagreements, queue_for, weighted_mean
from governance.board.services import criteria_for, criterion_set, scores_save
from kkdigital.lib.errors import ServiceError

from .factories_board import director_named, qualified_cases, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(cycle, department):
    return qualified_cases(cycle, department, 3)


def test_it_creates_the_six_default_criteria_of_seed_000(cycle):
    names = [c.name for c in criteria_for(cycle)]
    assert len(names) == 6
    assert names[1] == "Værdi ved at investere “fælles først”"
    assert "Modenhed og risiko" in names


def test_a_director_and_the_secretariat_may_score(director, secretariat, cases):
    score_all(director, cases[0], 4)
    score_all(secretariat, cases[0], 2)
    assert Score.objects.filter(case=cases[0]).count() == 12


@pytest.mark.parametrize("who", ["staff", "it_lead", "committee_reader"])
def test_departments_and_committee_readers_may_not_score(request, who, cases):
    user = request.getfixturevalue(who)
    with pytest.raises(ServiceError):
        score_all(user, cases[0], 4)
    assert not Score.objects.exists()


@pytest.mark.parametrize("who", ["staff", "it_lead", "committee_reader", "outsider"])
def test_the_score_page_refuses_other_roles(client, request, who, cases):
    client.force_login(request.getfixturevalue(who))
    url = reverse("governance:board-score", args=[cases[0].pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {}).status_code in (403, 404)
    assert not Score.objects.exists()


def test_scoring_needs_every_criterion(director, cases):
    criteria = criteria_for(cases[0].cycle)
    with pytest.raises(ServiceError) as refusal:
        scores_save(actor=director, case_pk=cases[0].pk, values={criteria[0].pk: (3, "")})
    assert f"criterion_{criteria[1].pk}" in refusal.value.problems


def test_the_weighted_mean_uses_the_weights(director, secretariat, cycle, cases):
    criteria = criteria_for(cycle)
    criterion_set(
        actor=secretariat, cycle=cycle, criterion=criteria[0], name=criteria[0].name, weight=4
    )
    # 5 on the first criterion (weight 4), 1 on the five others (weight 1): 25/9.
    score_all(director, cases[0], 1, overrides={1: 5})
    row = board_state(director, cycle).rows[0]
    assert row.mean == Decimal("2.8")


def test_only_the_secretariat_sets_criteria(director, cycle):
    with pytest.raises(ServiceError):
        criterion_set(actor=director, cycle=cycle, criterion=None, name="Ny", weight=2)
    assert not Criterion.objects.filter(name="Ny").exists()


def test_directors_who_are_two_apart_on_a_criterion_are_flagged(director, cycle, cases):
    other = director_named("henrik")
    score_all(director, cases[0], 4)
    score_all(other, cases[0], 4, overrides={6: 2})
    score_all(director, cases[1], 4)
    score_all(other, cases[1], 3)
    rows = {row.case.pk: row for row in board_state(director, cycle).rows}
    assert [c.name for c in rows[cases[0].pk].disagreement] == ["Modenhed og risiko"]
    assert rows[cases[1].pk].disagreement == []


def test_a_director_sees_no_other_scores_before_scoring_the_case(client, director, cycle, cases):
    other = director_named("henrik")
    score_all(other, cases[0], 5, comment="Hemmelig begrundelse")
    client.force_login(director)
    page = client.get(reverse("governance:board-score", args=[cases[0].pk])).content.decode()
    assert "Hemmelig begrundelse" not in page
    assert "Henrik Dahl" not in page
    board = client.get(reverse("governance:prioritisation") + f"?cycle={cycle.pk}").content.decode()
    assert "Henrik Dahl" not in board
    assert "Forseglet" in board
    export = client.get(
        reverse("governance:prioritisation-export") + f"?cycle={cycle.pk}"
    ).content.decode()
    assert "Henrik Dahl" not in export
    assert "5,0" not in export
    row = board_state(director, cycle).rows[0]
    assert row.sealed and row.mean is None and row.disagreement == []


def test_after_scoring_the_director_sees_everybodys_scores(client, director, cycle, cases):
    other = director_named("henrik")
    score_all(other, cases[0], 5, comment="Stærk sag")
    score_all(director, cases[0], 3)
    client.force_login(director)
    page = client.get(reverse("governance:board-score", args=[cases[0].pk])).content.decode()
    assert "Stærk sag" in page and "Henrik Dahl" in page
    export = client.get(
        reverse("governance:prioritisation-export") + f"?cycle={cycle.pk}"
    ).content.decode()
    assert "Henrik Dahl: 5" in export
    assert "4,0" in export


def test_the_score_form_saves_and_goes_back_to_the_board(client, director, cycle, cases):
    client.force_login(director)
    criteria = criteria_for(cycle)
    data = {f"score-criterion_{c.pk}": "4" for c in criteria}
    data[f"score-comment_{criteria[0].pk}"] = "God strategisk match"
    response = client.post(reverse("governance:board-score", args=[cases[0].pk]), data)
    assert response.status_code == 302
    assert Score.objects.filter(case=cases[0], director=director).count() == 6
    assert Score.objects.get(criterion=criteria[0], director=director).comment == (
        "God strategisk match"
    )


def test_a_missing_score_is_shown_next_to_its_criterion(client, director, cycle, cases):
    client.force_login(director)
    criteria = criteria_for(cycle)
    data = {f"score-criterion_{c.pk}": "4" for c in criteria[1:]}
    response = client.post(reverse("governance:board-score", args=[cases[0].pk]), data)
    assert response.status_code == 400
    assert "Giv en score fra 1 til 5." in response.content.decode()
    assert not Score.objects.exists()


def test_each_director_has_a_queue_of_unscored_cases(director, cycle, cases, other_department):
    more = qualified_cases(cycle, other_department, 1)
    score_all(director, cases[1], 3)
    queue = queue_for(director, cycle)
    assert [c.pk for c in queue] == [cases[0].pk, cases[2].pk, more[0].pk]
    assert queue_for(director_named("henrik"), cycle)[0] == cases[0]


def test_the_board_offers_the_director_their_queue_with_its_count(
    client, director, cycle, cases, other_department
):
    qualified_cases(cycle, other_department, 1)
    score_all(director, cases[1], 3)
    client.force_login(director)
    html = client.get(reverse("governance:prioritisation")).content.decode()
    assert "Scor dine 3 åbne sager" in html
    for case in cases:
        score_all(director, case, 3)
    html = client.get(reverse("governance:prioritisation")).content.decode()
    assert "Scor din 1 åbne sag" in html


def test_the_scores_are_in_history_with_the_director(director, cases):
    score_all(director, cases[0], 4)
    score = Score.objects.filter(case=cases[0]).first()
    assert score.history.first().history_user == director


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(st.integers(1, 5), min_size=6, max_size=6),
    table=st.lists(
        st.lists(st.lists(st.integers(1, 5), min_size=6, max_size=6), max_size=3),
        min_size=2,
        max_size=2,
    ),
)
def test_the_boards_sums_from_the_database_equal_the_mean_and_flags_over_the_scores(
    director, secretariat, cycle, cases, weights, table
):
    """The board sums the scores in SQL (``score_summaries``, ``disagreement_pairs``);
    ``weighted_mean`` and ``disagreements`` over the scores one by one are the
    independent computation, and the sealing holds either way."""
    Score.objects.all().delete()
    criteria = criteria_for(cycle)
    for criterion, weight in zip(criteria, weights, strict=True):
        Criterion.objects.filter(pk=criterion.pk).update(weight=weight)
    directors = [director, director_named("henrik"), director_named("lise", "Lise", "Berg")]
    for case, per_director in zip(cases, table, strict=False):
        for who, values in zip(directors, per_director, strict=False):
            score_all(who, case, 1, overrides=dict(enumerate(values, start=1)))
    criteria = criteria_for(cycle)
    by_weight = {c.pk: c.weight for c in criteria}
    for viewer in (secretariat, director):
        rows = {row.case.pk: row for row in board_state(viewer, cycle).rows}
        for case in cases:
            scores = list(Score.objects.filter(case=case))
            row = rows[case.pk]
            visible = viewer == secretariat or any(s.director_id == viewer.pk for s in scores)
            assert row.sealed is not visible
            if visible:
                assert row.mean == weighted_mean(scores, by_weight)
                assert row.disagreement == disagreements(scores, criteria)
                assert row.scorer_count == len({s.director_id for s in scores})
            else:
                assert (row.mean, row.disagreement, row.scorer_count) == (None, [], 0)
