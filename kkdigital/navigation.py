"""The main navigation: one line per item, shown to the roles that may use it.

Other apps add their pages here, e.g.
``NavItem(_("Cases"), "portfolio:case-list", roles=DEPARTMENT_ROLES + (Role.SECRETARIAT,))``.
Hiding an item is never the permission check: each view checks again.
"""

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from portfolio.models import Role

ALL_ROLES = tuple(Role.values)
DEPARTMENT_ROLES = (Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # None: every signed-in user; else the user needs one of these roles.
    roles: tuple[str, ...] | None = None

    def is_for(self, user) -> bool:
        return self.roles is None or user.has_role(*self.roles)


NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "home"),
    NavItem(_("Cases"), "portfolio:case-list"),
    NavItem(_("Department plans"), "portfolio:department-plan-index"),
    NavItem(_("IT register"), "register:system-list", roles=ALL_ROLES),
    NavItem(_("Qualification"), "governance:qualification-queue", roles=(Role.SECRETARIAT,)),
    NavItem(
        _("Prioritisation"),
        "governance:prioritisation",
        roles=(Role.IT_DIRECTORS, Role.SECRETARIAT),
    ),
    NavItem(_("Plan"), "governance:plan"),
    NavItem(
        _("Economic Committee"),
        "governance:meeting-list",
        roles=(Role.SECRETARIAT, Role.COMMITTEE_READER),
    ),
    NavItem(_("Overview"), "governance:cycle-overview", roles=(Role.SECRETARIAT,)),
    NavItem(
        _("Financing"),
        "financing:overview",
        roles=(Role.SECRETARIAT, Role.IT_DIRECTORS, Role.COMMITTEE_READER),
    ),
    NavItem(_("Follow-up"), "governance:followup-list"),
    NavItem(
        _("Portfolio"),
        "governance:portfolio-glance",
        roles=(Role.SECRETARIAT, Role.IT_DIRECTORS, Role.COMMITTEE_READER),
    ),
    NavItem(
        _("Budget notes"),
        "governance:export-list",
        roles=(Role.SECRETARIAT, Role.IT_DIRECTORS, Role.COMMITTEE_READER),
    ),
    NavItem(_("Audit log"), "governance:audit-log", roles=(Role.SECRETARIAT,)),
    NavItem(_("Budget cycles"), "governance:cycle-list", roles=(Role.SECRETARIAT,)),
    NavItem(_("Annual cycle"), "governance:annual-cycle"),
    NavItem(_("Administration"), "admin:index", roles=(Role.SECRETARIAT,)),
]


# The items' URLs by script prefix: they are the same on every request, and
# reversing sixteen names on every page cost more than the rest of the menu.
_urls: dict[str, list[str]] = {}


def _item_urls() -> list[str]:
    prefix = get_script_prefix()
    if prefix not in _urls:
        _urls[prefix] = [reverse(item.url_name) for item in NAVIGATION]
    return _urls[prefix]


def items_for(user, path: str) -> list[dict]:
    """The items this user sees, each with its URL and whether it is the current page.

    Reads only ``user.roles`` (cached on the user), so it costs no query per item.
    The labels are translated here, once, for the two menus (wide and mobile).
    """
    if not user.is_authenticated:
        return []
    items = []
    for item, url in zip(NAVIGATION, _item_urls(), strict=True):
        if not item.is_for(user):
            continue
        matches = path == url if url == "/" else path.startswith(url)
        items.append({"label": str(item.label), "url": url, "current": matches})
    # Only the longest matching item is the current page (/sager/plan/ is not /sager/).
    best = max((i for i in items if i["current"]), key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["current"] = item is best
    return items
