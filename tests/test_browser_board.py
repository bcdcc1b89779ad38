"""End to end in headless Chromium: a director reorders the board by keyboard only
and by drag and drop, the cut line moves with the cases, every move is announced,
and axe-core finds no WCAG 2.1 A/AA violation before or after."""

import pytest
from django.urls import reverse

from financing.models import ChannelKind
from governance.board.models import BoardEntry
from portfolio.models import CaseState

from .browser import PASSWORD, axe_violations
from .factories_board import qualified_cases, score_all
from .factories_money import PriceIndexFactory, capacities, channels
from .test_governance_board_cutline import _request

pytestmark = pytest.mark.browser


def log_in_for_axe(browser, live_server, user):
    """As ``browser.log_in``, in a context that lets axe-core's script in past the CSP
    (``add_script_tag`` injects it inline, which the app's CSP refuses)."""
    page = browser.new_context(
        locale="da-DK", bypass_csp=True, viewport={"width": 1600, "height": 1000}
    ).new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


def ranks(cycle):
    return list(
        BoardEntry.objects.filter(cycle=cycle)
        .order_by("rank")
        .values_list("case__title", flat=True)
    )


def line_after(page) -> str:
    """The title of the case right above the cut line."""
    return page.evaluate(
        """() => {
            const line = document.querySelector('tr.kk-cutline');
            let row = line.previousElementSibling;
            return row ? row.querySelector('.kk-case-title').textContent.trim() : '';
        }"""
    )


def test_a_director_reorders_by_keyboard_and_by_drag_and_the_cut_line_moves(
    browser, live_server, cycle, department, it_lead, director
):
    PriceIndexFactory(year=2027)
    frame = channels()[ChannelKind.FRAME]
    capacities(frame, {2027: 10_000_000})
    cases = qualified_cases(cycle, department, 4)
    for case, millions in zip(cases, (4, 5, 3, 2), strict=True):
        _request(case, frame, {2027: millions * 1_000_000}, it_lead)
    for case in cases:
        score_all(director, case, 3)
    # 4 + 5 fit in the 10 million; the third case straddles the line.
    page = log_in_for_axe(browser, live_server, director)
    page.goto(live_server.url + reverse("governance:prioritisation") + f"?cycle={cycle.pk}")
    assert line_after(page) == "Sag 002"
    assert axe_violations(page) == []

    # Keyboard only: from the third case's title, Tab to its "move up" button and press Enter.
    page.locator(f"#case-{cases[2].pk} .kk-case-title").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.value || ''")
        if focused == "up":
            break
    assert focused == "up"
    with page.expect_response(lambda r: "flyt" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('board-announce').textContent.includes('Sag 003')"
    )
    assert ranks(cycle) == ["Sag 001", "Sag 003", "Sag 002", "Sag 004"]
    # 4 + 3 fit now, and the line lies below the moved case; the focus stayed on it.
    assert line_after(page) == "Sag 003"
    assert page.evaluate("() => document.activeElement.closest('tr').id") == f"case-{cases[2].pk}"
    # Enter in the position field moves to that position.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.name") == "position"
    page.keyboard.type("4")
    with page.expect_response(lambda r: "flyt" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('board-announce').textContent.includes('til nr. 4')"
    )
    assert ranks(cycle) == ["Sag 001", "Sag 002", "Sag 004", "Sag 003"]
    assert axe_violations(page) == []

    # Drag and drop: the second case's handle onto the first row.
    handle = page.locator(f"#case-{cases[1].pk} .kk-drag-handle")
    target = page.locator(f"#case-{cases[0].pk} .kk-drag-handle")
    with page.expect_response(lambda r: "flyt" in r.url):
        handle.drag_to(target)
    page.wait_for_function(
        "() => document.getElementById('board-announce').textContent.includes('Sag 002')"
    )
    assert ranks(cycle) == ["Sag 002", "Sag 001", "Sag 004", "Sag 003"]
    # 5 + 4 fit, the 2 million case straddles: the line is below the first case now.
    assert line_after(page) == "Sag 001"
    assert axe_violations(page) == []
    assert all(c.state == CaseState.QUALIFIED for c in cases)
