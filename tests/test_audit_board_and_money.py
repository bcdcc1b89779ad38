"""The audit log tells the directors' scores, the board's places and marks and the
money of each case, with the person who acted (issues 7 and 10)."""

from django.urls import reverse

from financing.models import ChannelKind
from financing.services import allocation_recommend_set

from .factories_board import qualified_cases, score_all
from .factories_money import capacities, channels


def test_a_score_a_move_and_a_recommended_amount_are_in_the_audit_log_with_who(
    client, cycle, department, director, secretariat
):
    case = qualified_cases(cycle, department, 1, prefix="Fælles booking")[0]
    score_all(director, case, 4)
    frame = channels()[ChannelKind.FRAME]
    capacities(frame, {2027: 10_000_000})
    allocation_recommend_set(actor=secretariat, case=case, channel=frame,
                             amounts={2027: 1_500_000})
    client.force_login(secretariat)

    page = client.get(reverse("governance:audit-log"), {"cycle": cycle.budget_year})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Direktørs score givet" in html
    assert "Sat på direktørkredsens tavle" in html
    assert "1.500.000" in html
    assert director.get_full_name() in html and secretariat.get_full_name() in html
