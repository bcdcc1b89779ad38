"""The workflow table is enforced: every row, walked through its service.

For each row and each state it starts from, every kind of user tries the
step inside the row's phase: those the row's rule names pass, everybody else
(wrong role, wrong department) is refused and nothing is written. Outside the
phase the allowed department user is refused, and the secretariat only acts
with a reason. The buttons, the overview and the meeting pages read the same
rows.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from governance import actions, permissions
from governance.models import CaseTransition, CommitteeMeeting, Decision, Notification, PhaseKind
from governance.services import workflow
from governance.services.cycles import case_carry_over
from governance.views.overview import build_overview
from governance.workflow import table
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState

from .factories import BudgetCycleFactory
from .governance_helpers import case_in, open_phases

ACTORS = (
    "staff",
    "it_lead",
    "outsider",
    "outsider_it_lead",
    "director",
    "secretariat",
    "committee_reader",
)


@pytest.fixture
def meeting(cycle, secretariat):
    return CommitteeMeeting.objects.create(
        cycle=cycle,
        held_on=datetime.date(2026, 9, 10),
        title="Budgetforhandlinger 2027",
        created_by=secretariat,
    )


def _decide(outcome):
    def run(*, actor, case, meeting, **kwargs):
        meeting.cases.add(case)
        return workflow.case_decide(
            actor=actor,
            case_pk=case.pk,
            meeting=meeting,
            outcome=outcome,
            text="Godkendt som indstillet.",
            **kwargs,
        )

    return run


# How each step of the table is asked for through its service. A row without
# an entry here fails test_every_row_has_a_service.
SERVICES = {
    "submit": lambda *, actor, case, meeting, **kw: workflow.case_submit(
        actor=actor, case_pk=case.pk, **kw
    ),
    "withdraw": lambda *, actor, case, meeting, **kw: workflow.case_withdraw(
        actor=actor, case_pk=case.pk, **kw
    ),
    "qualify": lambda *, actor, case, meeting, **kw: workflow.case_qualify(
        actor=actor, case_pk=case.pk, **kw
    ),
    "return": lambda *, actor, case, meeting, **kw: workflow.case_return(
        actor=actor, case_pk=case.pk, comment="Økonomien mangler for 2029.", **kw
    ),
    "prioritise": lambda *, actor, case, meeting, **kw: workflow.case_prioritise(
        actor=actor, case_pk=case.pk, recommended=True, **kw
    ),
    "not_recommend": lambda *, actor, case, meeting, **kw: workflow.case_prioritise(
        actor=actor, case_pk=case.pk, recommended=False, **kw
    ),
    "forward": lambda *, actor, case, meeting, **kw: workflow.cases_forward(
        actor=actor, case_pks=[case.pk], meeting=meeting, **kw
    ),
    "approve": _decide(CaseState.APPROVED),
    "reject": _decide(CaseState.REJECTED),
    "defer": _decide(CaseState.DEFERRED),
    "start": lambda *, actor, case, meeting, **kw: workflow.case_start(
        actor=actor, case_pk=case.pk, **kw
    ),
    "complete": lambda *, actor, case, meeting, **kw: workflow.case_complete(
        actor=actor, case_pk=case.pk, **kw
    ),
    # Carrying over has no phase, so no reason either.
    "carry_over": lambda *, actor, case, meeting, **kw: case_carry_over(
        actor=actor, case=case, to_cycle=BudgetCycleFactory(budget_year=2028)
    ),
}

CASES = [
    pytest.param(index, from_state, id=f"{row.name}-{from_state}")
    for index, row in enumerate(table.TABLE)
    for from_state in row.from_states
]


def _written(case):
    """What a transition writes: the case's state and version, its transition
    records, decisions and notifications."""
    case.refresh_from_db()
    return (
        case.state,
        case.version,
        case.cycle_id,
        CaseTransition.objects.filter(case=case).count(),
        Decision.objects.filter(case=case).count(),
        Notification.objects.filter(case=case).count(),
    )


def _case(from_state, department, cycle):
    return case_in(from_state, department=department, cycle=cycle)


def test_every_row_has_a_service():
    assert {row.name for row in table.TABLE} == set(SERVICES)


def test_a_state_change_has_one_row_at_most():
    pairs = [(s, row.to_state) for row in table.TABLE for s in row.from_states]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(("index", "from_state"), CASES)
def test_each_row_lets_exactly_its_actors_act_in_its_phase(
    request, index, from_state, department, cycle, meeting
):
    row = table.TABLE[index]
    open_phases(cycle, *row.phases)
    allowed_somebody = False
    for name in ACTORS:
        actor = request.getfixturevalue(name)
        case = _case(from_state, department, cycle)
        before = _written(case)
        if row.who(actor, case):
            allowed_somebody = True
            SERVICES[row.name](actor=actor, case=case, meeting=meeting)
            case.refresh_from_db()
            assert case.state == row.to_state, name
            record = CaseTransition.objects.filter(case=case).latest("created_at", "pk")
            assert (record.from_state, record.to_state, record.actor) == (
                from_state, row.to_state, actor
            )
            assert record.phase_override_reason == ""
        else:
            with pytest.raises((ServiceError, PermissionDenied)):
                SERVICES[row.name](actor=actor, case=case, meeting=meeting)
            assert _written(case) == before, name
    assert allowed_somebody, row.name


@pytest.mark.parametrize(("index", "from_state"), CASES)
def test_the_same_role_of_another_department_is_refused(
    request, index, from_state, department, other_department, cycle, meeting
):
    row = table.TABLE[index]
    open_phases(cycle, *row.phases)
    for name in ACTORS:
        actor = request.getfixturevalue(name)
        own = _case(from_state, department, cycle)
        other = _case(from_state, other_department, cycle)
        if row.who(actor, own) and not row.who(actor, other):
            before = _written(other)
            with pytest.raises(ServiceError):
                SERVICES[row.name](actor=actor, case=other, meeting=meeting)
            assert _written(other) == before, name


@pytest.mark.parametrize(
    ("index", "from_state"), [c for c in CASES if table.TABLE[c.values[0]].phases]
)
def test_outside_its_phase_a_row_is_refused_unless_the_secretariat_gives_a_reason(
    request, index, from_state, department, cycle, meeting, secretariat
):
    row = table.TABLE[index]
    open_phases(cycle)  # every phase closed
    for name in ACTORS:
        actor = request.getfixturevalue(name)
        case = _case(from_state, department, cycle)
        if not row.who(actor, case):
            continue
        before = _written(case)
        with pytest.raises(ServiceError):
            SERVICES[row.name](actor=actor, case=case, meeting=meeting)
        assert _written(case) == before, name
        if actor == secretariat:
            SERVICES[row.name](
                actor=actor, case=case, meeting=meeting, override_reason="ØU mødes tidligere."
            )
            record = CaseTransition.objects.filter(case=case).latest("created_at", "pk")
            assert record.to_state == row.to_state
            assert record.phase_override_reason == "ØU mødes tidligere."


@pytest.mark.parametrize(
    ("index", "from_state"), [c for c in CASES if table.TABLE[c.values[0]].needs_comment]
)
def test_a_row_that_requires_a_comment_refuses_an_empty_one(
    index, from_state, department, cycle, secretariat, meeting
):
    row = table.TABLE[index]
    open_phases(cycle, *row.phases)
    case = _case(from_state, department, cycle)
    if row.name == "return":
        call = lambda: workflow.case_return(actor=secretariat, case_pk=case.pk, comment=" ")  # noqa: E731
    else:
        meeting.cases.add(case)
        call = lambda: workflow.case_decide(  # noqa: E731
            actor=secretariat, case_pk=case.pk, meeting=meeting, outcome=row.to_state, text=""
        )
    before = _written(case)
    with pytest.raises(ServiceError) as refused:
        call()
    assert refused.value.message == row.comment_required
    assert _written(case) == before


def test_a_state_change_the_table_lacks_is_refused(department, cycle, secretariat):
    open_phases(cycle, *[kind for row in table.TABLE for kind in row.phases])
    case = _case(CaseState.DRAFT, department, cycle)
    assert not table.is_transition(CaseState.DRAFT, CaseState.QUALIFIED)
    with pytest.raises(ServiceError):
        workflow.case_qualify(actor=secretariat, case_pk=case.pk)
    assert _written(case)[0] == CaseState.DRAFT


@pytest.mark.parametrize("name", sorted(actions.CASE_ACTIONS))
def test_the_case_page_offers_a_button_exactly_when_the_table_allows(
    request, name, department, cycle
):
    action = actions.CASE_ACTIONS[name]
    for row in action.rows:
        open_phases(cycle, *row.phases)
        for from_state in CaseState:
            case = _case(from_state, department, cycle)
            for actor_name in ACTORS:
                actor = request.getfixturevalue(actor_name)
                offered = name in [a.name for a in actions.available_actions(actor, case)]
                assert offered == (table.row_named_from(name, from_state) is not None
                                   and table.row_named_from(name, from_state).who(actor, case)
                                   and table.phase_allows(
                                       cycle, table.row_named_from(name, from_state).phases
                                   )), (actor_name, from_state)


def test_the_overview_waits_for_whom_the_table_says(cycle):
    overview = build_overview(cycle, datetime.date(2026, 2, 1))
    expected = [
        (waiting.key, [CaseState(s).label for s in states])
        for waiting, states in table.waiting_groups()
    ]
    assert [(w["key"], w["states"]) for w in overview.waiting] == expected
    assert [w["key"] for w in overview.waiting] == [
        "department",
        "secretariat_qualify",
        "it_directors",
        "secretariat_forward",
        "committee",
    ]


@pytest.mark.parametrize(
    ("helper", "step"),
    [
        (permissions.can_qualify_case, "qualify"),
        (permissions.can_return_case, "return"),
        (permissions.can_forward_case, "forward"),
        (permissions.can_decide_case, "approve"),
    ],
)
def test_the_governance_permission_helpers_answer_from_the_table(
    request, helper, step, department, cycle
):
    for from_state in CaseState:
        case = _case(from_state, department, cycle)
        for name in ACTORS:
            actor = request.getfixturevalue(name)
            assert helper(actor, case) == table.may(actor, case, step), (name, from_state)
    assert permissions.can_publish_prioritisation(request.getfixturevalue("secretariat"))
    assert not permissions.can_publish_prioritisation(request.getfixturevalue("director"))


def test_the_phase_guide_lists_the_tables_steps_with_who_takes_them(client, cycle, staff):
    client.force_login(staff)
    response = client.get(reverse("governance:annual-cycle"))
    rows = {row.phase.kind: row for row in response.context["rows"]}
    assert [step.name for step in rows[PhaseKind.QUALIFICATION].steps] == [
        "submit", "qualify", "return"
    ]
    assert rows[PhaseKind.FOLLOW_UP_MAY].steps == []
    page = response.content.decode()
    assert "Trin i KK Digital:" in page
    assert "Kvalificér (sekretariatet)" in page
