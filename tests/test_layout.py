"""The layout every page shares: header, cycle, navigation, logout, language, footer."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from governance.models import Phase, PhaseKind
from kkdigital import navigation
from portfolio.models import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def page(client, user=None, url_name="home"):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(url_name)).content.decode()


def nav_urls(html):
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


def test_the_header_shows_the_current_cycle_and_its_open_phase(client, staff, cycle):
    today = datetime.date.today()
    Phase.objects.filter(cycle=cycle, kind=PhaseKind.INTAKE).update(starts_on=today, ends_on=today)
    html = page(client, staff)
    header = html.split("</header>")[0]
    with translation.override("da"):
        assert str(cycle) in header
        assert str(PhaseKind.INTAKE.label) in header
        assert str(PhaseKind.QUALIFICATION.label) not in header


def test_the_header_says_when_no_phase_is_open(client, staff, cycle):
    Phase.objects.filter(cycle=cycle).update(
        starts_on=datetime.date(2000, 1, 1), ends_on=datetime.date(2000, 1, 2)
    )
    header = page(client, staff).split("</header>")[0]
    assert "Budget 2027" in header
    assert "Ingen åben fase" in header or "No phase open" in header


def test_the_header_shows_the_users_name_and_department(client, staff):
    header = page(client, staff).split("</header>")[0]
    assert staff.get_full_name() in header
    assert staff.department.name in header


def test_logout_is_a_post_form(client, staff):
    html = page(client, staff)
    assert f'<form action="{reverse("logout")}" method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_logging_out_by_post_ends_the_session_and_says_so(client, staff):
    client.force_login(staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert [str(m) for m in get_messages(response.wsgi_request)]
    assert client.get(reverse("home")).status_code == 302


def test_staff_see_home_but_not_administration(client, staff):
    urls = nav_urls(page(client, staff))
    assert reverse("home") in urls
    assert reverse("admin:index") not in urls


def test_the_secretariat_sees_administration(client, secretariat):
    assert reverse("admin:index") in nav_urls(page(client, secretariat))


@pytest.mark.parametrize("role", [Role.IT_DIRECTORS, Role.COMMITTEE_READER])
def test_other_roles_do_not_see_administration(client, role):
    user = UserFactory(username=f"user-{role}", department=None, roles=[role])
    urls = nav_urls(page(client, user))
    assert reverse("home") in urls
    assert reverse("portfolio:case-list") in urls
    assert reverse("admin:index") not in urls
    assert reverse("governance:audit-log") not in urls


def test_the_current_page_is_marked_in_the_navigation(client, staff):
    html = page(client, staff)
    assert f'href="{reverse("home")}" class="nav-link" aria-current="page"' in html


def test_navigation_items_are_data_with_roles(secretariat, staff):
    secretariat_urls = [i["url"] for i in navigation.items_for(secretariat, "/")]
    staff_urls = [i["url"] for i in navigation.items_for(staff, "/")]
    assert reverse("governance:qualification-queue") in secretariat_urls
    assert reverse("governance:qualification-queue") not in staff_urls
    assert set(staff_urls) < set(secretariat_urls)


def test_only_the_longest_matching_item_is_current(staff):
    plan_index = reverse("portfolio:department-plan-index")
    current = [i["url"] for i in navigation.items_for(staff, plan_index) if i["current"]]
    assert current == [plan_index]


def test_anonymous_pages_have_no_navigation_and_a_login_link(client):
    html = page(client, url_name="login")
    assert nav_urls(html) == []
    assert 'class="portal-user kk-portal-user-anonymous"' in html


def test_every_page_has_a_language_a_skip_link_and_no_inline_script(client, staff, cycle):
    for html in (
        page(client, url_name="login"),
        page(client, url_name="accessibility-statement"),
        page(client, staff),
    ):
        assert '<html lang="da">' in html
        assert '<a class="skipnav" href="#main-content">' in html
        assert 'id="main-content"' in html
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, tag
        for body in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
            assert body.strip() == ""
        assert " style=" not in html
        assert "<style" not in html


def test_the_layout_loads_the_design_system_htmx_and_our_script(client):
    html = page(client, url_name="login")
    for path in (
        "vendor/dkfds/css/dkfds.min.css",
        "css/kk.css",
        "vendor/dkfds/js/dkfds.min.js",
        "vendor/htmx/htmx.min.js",
        "js/kk.js",
    ):
        assert path in html
    assert '"includeIndicatorStyles":false' in html


def test_messages_are_shown_as_design_system_alerts(client, staff):
    client.force_login(staff)
    response = client.post(reverse("logout"), follow=True)
    html = response.content.decode()
    assert 'class="alert alert-success"' in html


def test_the_language_switch_posts_to_set_language(client):
    html = page(client, url_name="login")
    assert f'<form action="{reverse("set_language")}" method="post"' in html
    assert 'name="language" value="en"' in html


def test_the_footer_links_to_the_accessibility_statement(client, staff):
    footer = page(client, staff).split("<footer>")[1]
    assert f'href="{reverse("accessibility-statement")}"' in footer


def test_the_not_found_page_uses_the_layout(client, staff):
    client.force_login(staff)
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert '<a class="skipnav"' in response.content.decode()


def test_the_server_error_page_renders_without_a_request_or_database(
    django_assert_num_queries,
):
    from django.template import loader

    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "<h1>" in html
    assert "KK Digital" in html


def test_a_failed_login_shows_errors_next_to_the_fields_and_keeps_the_user_name(client, staff):
    response = client.post(reverse("login"), {"username": staff.username, "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="alert alert-error"' in html
    assert 'id="id_password-error"' in html
    assert 'aria-describedby="id_password-error"' in html
    assert f'value="{staff.username}"' in html
    assert '<label class="form-label" for="id_username">' in html


def test_a_wrong_password_is_refused_in_the_summary(client, staff):
    response = client.post(
        reverse("login"), {"username": staff.username, "password": "forkert-kode-123"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'class="alert alert-error"' in response.content.decode()


def test_the_access_denied_page_uses_the_layout_and_explains(rf, staff):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/sager/1/")
    request.user = staff
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert '<a class="skipnav"' in html
    assert f'href="{reverse("home")}"' in html


def test_the_navigation_costs_no_query_per_item(secretariat, django_assert_num_queries):
    assert secretariat.roles  # read once per request, as the middleware's user does
    with django_assert_num_queries(0):
        items = navigation.items_for(secretariat, "/admin/")
    assert [item["url"] for item in items if item["current"]] == ["/admin/"]


def test_the_context_processor_reads_the_cycle_once_per_request(
    rf, staff, cycle, django_assert_max_num_queries
):
    from kkdigital.context_processors import kkdigital

    request = rf.get("/")
    request.user = staff
    context = kkdigital(request)
    # The phases with their cycles (one query), and the latest cycle when no budget
    # negotiations lie ahead (one more).
    with django_assert_max_num_queries(2):
        assert str(context["current_cycle"]) == str(cycle)
        list(context["open_phases"])
        list(context["open_phases"])
        assert str(context["current_cycle"]) == str(cycle)


def test_the_header_reads_the_cycle_current_picks_with_its_phases(rf, staff, db):
    from governance.models import BudgetCycle
    from kkdigital.context_processors import current_cycle

    from .factories import BudgetCycleFactory

    def read():
        request = rf.get("/")
        request.user = staff
        return current_cycle(request)

    assert read() is None
    latest_without_phases = BudgetCycle.objects.create(budget_year=2040)
    assert read() == latest_without_phases and read().open_phases() == []
    # Budget Y's negotiations are in the autumn before Y: Y = next year + 1 is ahead.
    upcoming = BudgetCycleFactory(budget_year=timezone.localdate().year + 2)
    BudgetCycleFactory(budget_year=timezone.localdate().year + 3)
    cycle = read()
    assert cycle == upcoming == BudgetCycle.objects.current()
    assert [p.kind for p in cycle.phases.all()] == [
        p.kind for p in upcoming.phases.order_by("starts_on", "ends_on")
    ]
    assert cycle.open_phases() == [p for p in upcoming.phases.all() if p.is_open()]
