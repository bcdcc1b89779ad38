"""The cut line: an independent computation on generated data (hypothesis), partial
funding, and the same numbers as the financing overview."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financing.models import ChannelKind
from financing.selectors import channel_year_totals
from financing.services import allocation_request_set
from governance.board.cutline import BELOW, FITS, PARTIAL, CutCase, case_status, cut_lines
from governance.board.funding import board_fund_above_line, board_fund_case
from governance.board.models import BoardEntry
from governance.board.selectors import board_state
from governance.board.services import board_recommend
from portfolio.models import CaseState

from .factories_board import qualified_cases
from .factories_money import PriceIndexFactory, capacities, channels

KEYS = [(1, 2027), (1, 2028), (2, 2027)]

amounts = st.dictionaries(st.sampled_from(KEYS), st.integers(min_value=0, max_value=5_000))
cases_strategy = st.lists(st.tuples(amounts, st.booleans()), max_size=12)
capacity_strategy = st.dictionaries(
    st.sampled_from(KEYS), st.integers(min_value=0, max_value=15_000)
)


def independent(cases, capacity):
    """The rule written out once more, the plain way: for each key walk down the
    ranking; a case fits while the running total is within the capacity; the
    first case past it gets what is left; everything after gets nothing."""
    result = {}
    for key in KEYS:
        left = capacity.get(key, 0)
        done = False
        for case_id, (wanted, excluded) in enumerate(cases):
            want = 0 if excluded else wanted.get(key, 0)
            if not want:
                continue
            if not done and want <= left:
                result[(key, case_id)] = (FITS, want)
                left -= want
            elif not done:
                result[(key, case_id)] = (PARTIAL if left else BELOW, left)
                left = 0
                done = True
            else:
                result[(key, case_id)] = (BELOW, 0)
    return result


@given(cases=cases_strategy, capacity=capacity_strategy)
def test_the_cut_line_equals_an_independent_computation(cases, capacity):
    lines = cut_lines(
        [CutCase(case_id=i, amounts=a, excluded=x) for i, (a, x) in enumerate(cases)], capacity
    )
    expected = independent(cases, capacity)
    got = {}
    for key, line in lines.items():
        for case_id, status in line.status.items():
            gets = (
                cases[case_id][0][key]
                if status == FITS
                else line.straddling_fits
                if status == PARTIAL
                else 0
            )
            got[(key, case_id)] = (status, gets if status != BELOW else 0)
    expected = {k: (s, v if s != BELOW else 0) for k, (s, v) in expected.items()}
    assert got == expected
    for line in lines.values():
        # Everything above the line plus the straddling part is exactly what fits.
        assert line.used == min(line.capacity, line.total)


def test_a_case_is_below_if_it_is_below_anywhere():
    lines = cut_lines(
        [CutCase(1, {(1, 2027): 5}), CutCase(2, {(1, 2027): 5, (1, 2028): 1})],
        {(1, 2027): 7, (1, 2028): 10},
    )
    assert case_status(lines, 1) == FITS
    assert case_status(lines, 2) == PARTIAL
    assert lines[(1, 2027)].straddling_fits == 2


@pytest.fixture
def money(db, cycle, secretariat):
    PriceIndexFactory(year=2027)
    chans = channels()
    capacities(chans[ChannelKind.FRAME], {2027: 10_000_000, 2028: 4_000_000})
    capacities(chans[ChannelKind.POOL], {2027: 3_000_000})
    return chans


def _request(case, channel, amounts, it_lead_of):
    """The department's request, written while the case could still be edited."""
    state = case.state
    case.state = CaseState.DRAFT
    case.save(update_fields=["state"])
    allocation_request_set(actor=it_lead_of, case=case, channel=channel, amounts=amounts)
    case.state = state
    case.save(update_fields=["state"])


@pytest.fixture
def board(money, cycle, department, it_lead):
    cases = qualified_cases(cycle, department, 4)
    frame = money[ChannelKind.FRAME]
    _request(cases[0], frame, {2027: 4_000_000, 2028: 1_000_000}, it_lead)
    _request(cases[1], frame, {2027: 5_000_000}, it_lead)
    _request(cases[2], frame, {2027: 3_000_000, 2028: 4_000_000}, it_lead)
    _request(cases[3], frame, {2027: 2_000_000}, it_lead)
    return cases


def test_the_board_draws_the_line_where_the_frame_runs_out(director, cycle, board, money):
    state = board_state(director, cycle)
    line = state.lines[(money[ChannelKind.FRAME].pk, 2027)]
    assert line.last_fitting_case_id == board[1].pk
    assert line.straddling_case_id == board[2].pk
    assert line.straddling_fits == 1_000_000
    rows = {row.case.pk: row for row in state.rows}
    assert rows[board[0].pk].line_status == FITS
    assert rows[board[2].pk].line_status == PARTIAL
    assert rows[board[3].pk].line_status == BELOW
    assert rows[board[3].pk].effective == "not_recommended"


def test_partial_funding_recommends_the_part_that_fits(director, cycle, board, money):
    board_fund_case(actor=director, case_pk=board[2].pk)
    allocation = board[2].allocations.get(year=2027)
    assert allocation.recommended == 1_000_000
    state = board_state(director, cycle)
    row = next(r for r in state.rows if r.case.pk == board[2].pk)
    # It stays on the line (partly funded), is recommended, and nothing is left to fund.
    assert row.line_status == PARTIAL and row.effective == "recommended"
    assert not row.partial_open


def test_funding_above_the_line_equals_the_financing_overview(director, cycle, board, money):
    board_fund_above_line(actor=director, cycle=cycle)
    state = board_state(director, cycle)
    overview = {(r.channel.pk, r.year): r for r in channel_year_totals(cycle)}
    for key, total in state.totals.items():
        assert total.recommended == overview[key].recommended
        assert total.capacity == overview[key].capacity
        assert total.remaining == overview[key].remaining
    frame_2027 = overview[(money[ChannelKind.FRAME].pk, 2027)]
    assert frame_2027.recommended == 10_000_000  # 4 + 5 + the 1 of 3 that fits
    assert frame_2027.remaining == 0
    summary = {s["channel"].pk: s for s in state.summary}[money[ChannelKind.FRAME].pk]
    assert summary["cells"][0]["recommended"] == 10_000_000


def test_a_case_marked_not_recommended_frees_the_money(director, cycle, board, money):
    board_recommend(
        actor=director,
        case_pk=board[1].pk,
        recommendation="not_recommended",
        reason="Afventer fælles platform.",
    )
    state = board_state(director, cycle)
    line = state.lines[(money[ChannelKind.FRAME].pk, 2027)]
    # 4 + 3 + 2 million fit in the 10 of 2027 once the 5 million case is out.
    assert not line.runs_out
    assert line.status[board[2].pk] == FITS and line.status[board[3].pk] == FITS
    assert board[1].pk not in line.status
    rows = {row.case.pk: row for row in state.rows}
    assert rows[board[1].pk].effective == "not_recommended"


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    requests=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=5),
    capacity=st.integers(min_value=0, max_value=12),
)
def test_funding_above_the_line_never_passes_the_capacity(
    director, cycle, money, department, it_lead, requests, capacity
):
    frame = money[ChannelKind.FRAME]
    with transaction.atomic():
        frame.capacities.filter(year=2028).update(amount=capacity * 1_000_000)
        cases = qualified_cases(cycle, department, len(requests))
        for case, amount in zip(cases, requests, strict=True):
            if amount:
                _request(case, frame, {2028: amount * 1_000_000}, it_lead)
        board_fund_above_line(actor=director, cycle=cycle)
        recommended = [
            (case.allocations.filter(year=2028).values_list("recommended", flat=True).first())
            for case in cases
        ]
        # The independent computation: fill in rank order, the straddler gets the rest.
        left = capacity * 1_000_000
        for amount, got in zip(requests, recommended, strict=True):
            want = amount * 1_000_000
            if not want:
                assert got is None
                continue
            expected = min(want, left) or None
            assert got == expected
            left -= min(want, left)
        overview = {(r.channel.pk, r.year): r for r in channel_year_totals(cycle)}
        assert overview[(frame.pk, 2028)].recommended <= capacity * 1_000_000
        transaction.set_rollback(True)
    BoardEntry.objects.filter(cycle=cycle).delete()


def test_the_page_names_the_cut_line_in_danish(client, director, cycle, board, money):
    client.force_login(director)
    html = client.get(reverse("governance:prioritisation") + f"?cycle={cycle.pk}").content.decode()
    row = html[html.index('<tr class="kk-cutline">'):]
    row = row[: row.index("</tr>")]
    assert "<strong>Stregen:</strong>" in row
    assert "Her slipper pengene op: sagerne nedenfor er der ikke plads til." in row
    assert "Cut line" not in html
