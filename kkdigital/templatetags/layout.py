"""The page layout's own tags. No queries of their own, no rules."""

from types import SimpleNamespace

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

ICONS = "vendor/dkfds/img/all-svg-icons.svg"


MENU_ITEM = """
        <li{active}>
          <a href="{url}" class="nav-link"{aria_current}><span>{label}</span></a>
        </li>
        """


def main_menu(context) -> str:
    """The main navigation's list, written once and shown twice (the wide menu and
    the mobile drawer). The items and who sees which are ``nav_items``
    (``kkdigital.navigation``). Without items (signed out) it is empty, and the
    layout does not show it.
    """
    items = context.get("nav_items")
    if not items:
        return ""
    rows = [
        MENU_ITEM.format(
            active=' class="active current"' if item["current"] else "",
            url=conditional_escape(item["url"]),
            aria_current=' aria-current="page"' if item["current"] else "",
            label=conditional_escape(item["label"]),
        )
        for item in items
    ]
    return '<ul class="mainmenu">\n        ' + "".join(rows) + "\n      </ul>\n"


def _t(translated: str) -> str:
    """``{% translate message %}`` as the template writes it: ``_t(_("…"))``, the text
    translated by ``_`` (so that makemessages finds it) and escaped here."""
    return conditional_escape(translated)


def _csrf_input(context) -> str:
    """``{% csrf_token %}``: the hidden field, or nothing without a token."""
    token = context.get("csrf_token")
    if token and token != "NOTPROVIDED":
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    return ""


@register.simple_tag(takes_context=True)
def page_header(context) -> str:
    """{% page_header %}: the layout's ``<header>``, written in Python.

    What every page shows at its top: the skip link, the language switch, the
    user with their department, the notifications link and the logout form, the
    current cycle with its open phases and the navigation (wide and in the
    mobile drawer). Through the template language its includes, translations and
    lookups cost about two milliseconds a page; here a fraction of that. Every
    value is escaped as the template escaped it.

    The menu is asked for first: it reads the user's roles, which bring the
    department and the unread count with them in one query
    (``kkdigital.middleware.UserHeaderMiddleware``).
    """
    # The header's words, translated once (outside the f-strings, where makemessages finds them).
    t = SimpleNamespace(
        skip=_t(_("Skip to content")),
        log_out=_t(_("Log out")),
        menu=_t(_("Menu")),
        log_in=_t(_("Log in")),
        home=_t(_("KK Digital – digital investments")),
        kk=_t(_("Copenhagen Municipality")),
        nav=_t(_("Main navigation")),
        close=_t(_("Close")),
        nav_mobile=_t(_("Main navigation (mobile)")),
    )
    menu = main_menu(context)
    user = context.get("user")
    request = context.get("request")
    icons = conditional_escape(static(ICONS))
    home = conditional_escape(reverse("home"))
    csrf_input = _csrf_input(context)
    signed_in = user is not None and user.is_authenticated
    name = department_name = notifications = logout = ""
    department = None
    next_path = conditional_escape(request.get_full_path()) if request is not None else ""
    if get_language() == "da":
        language_button = f"""
      <button type="submit" name="language" value="en" class="function-link select-language-button" lang="en">
        <svg class="icon-svg" focusable="false" aria-hidden="true"><use href="{icons}#language"></use></svg>
        English
      </button>
      """  # noqa: E501
    else:
        language_button = f"""
      <button type="submit" name="language" value="da" class="function-link select-language-button" lang="da">
        <svg class="icon-svg" focusable="false" aria-hidden="true"><use href="{icons}#language"></use></svg>
        Dansk
      </button>
      """  # noqa: E501
    parts = [
        f"""<header class="header">
  <a class="skipnav" href="#main-content">{t.skip}</a>

  
<div class="language-switcher-header d-print-none">
  <div class="container">
    <form action="{conditional_escape(reverse("set_language"))}" method="post" class="kk-language-form">
      {csrf_input}
      <input type="hidden" name="next" value="{next_path}">
      {language_button}
    </form>
  </div>
</div>


  <div class="portal-info">
    <div class="portal-info-inner container">
      <a href="{home}" class="logo kk-logo">
        <span>KK Digital</span>
      </a>
      """  # noqa: E501, W291, W293
    ]
    if signed_in:
        name = conditional_escape(user.get_full_name() or user.username)
        department = user.department
        department_name = conditional_escape(department.name) if department else ""
        notifications = _notifications_link(context)
        logout = f"""
<form action="{conditional_escape(reverse("logout"))}" method="post" class="kk-logout-form d-print-none">
  {csrf_input}
  <button type="submit" class="function-link log-off">
    <svg class="icon-svg" focusable="false" aria-hidden="true"><use href="{icons}#lock"></use></svg>
    {t.log_out}
  </button>
</form>
"""  # noqa: E501
        parts.append(
            f"""
      <button type="button" class="function-link button-menu-open js-menu-open ml-auto d-print-none" aria-haspopup="dialog">
        <svg class="icon-svg" focusable="false" aria-hidden="true"><use href="{icons}#menu"></use></svg>
        {t.menu}
      </button>
      <div class="portal-user">
        <p class="user">
          <span class="username weight-semibold">{name}</span>{", " + department_name if department else ""}
        </p>
        <p class="mb-2">{notifications}</p>
        {logout}
      </div>
      """  # noqa: E501
        )
    else:
        parts.append(
            f"""
      <div class="portal-user kk-portal-user-anonymous">
        <a class="function-link" href="{conditional_escape(reverse("login"))}">{t.log_in}</a>
      </div>
      """
        )
    cycle = context.get("current_cycle")
    cycle_line = cycle_line_mobile = ""
    if cycle:
        phases = [conditional_escape(phase.get_kind_display()) for phase in context["open_phases"]]
        cycle_name = conditional_escape(cycle)
        opened = "".join(f" · {phase}" for phase in phases)
        none_open = " · " + _t(_("No phase open"))
        cycle_line = f"""
        <p class="mb-0 kk-cycle" data-testid="current-cycle">
          <strong>{cycle_name}</strong>{opened or none_open}
        </p>
        """
        cycle_line_mobile = f"""
      <p class="mb-0">{cycle_name}{opened}</p>
      """
    parts.append(
        f"""
    </div>
  </div>

  <div class="solution-info">
    <div class="container solution-info-inner">
      <div class="solution-heading">
        <a href="{home}">{t.home}</a>
      </div>
      <div class="additional-info kk-additional-info">
        <p class="h5 authority-name mb-1">{t.kk}</p>
        {cycle_line}
      </div>
    </div>
  </div>

  """
    )
    if context.get("nav_items"):
        parts.append(
            f"""
  
  <div class="navigation-menu">
    <div class="navigation-menu-inner container">
      <nav class="nav" aria-label="{t.nav}">
        {menu}
      </nav>
    </div>
  </div>

  <div class="overlay"></div>
  <div class="mobile-drawer" role="dialog" aria-modal="true" aria-labelledby="menu-heading">
    <div class="menu-top">
      <h2 id="menu-heading" class="menu-heading">{t.menu}</h2>
      <button type="button" class="function-link button-menu-close js-menu-close">
        <svg class="icon-svg" focusable="false" aria-hidden="true"><use href="{icons}#close"></use></svg>
        {t.close}
      </button>
    </div>
    <nav class="navigation-menu-mobile" aria-label="{t.nav_mobile}">
      {menu}
    </nav>
    <div class="solution-info-mobile">
      <p class="mb-0"><strong class="authority-name">{t.kk}</strong></p>
      {cycle_line_mobile}
    </div>
    <div class="portal-info-mobile">
      <p class="user">
        <span class="mb-2">{name}</span>
        {"<span>" + department_name + "</span>" if department else ""}
      </p>
      <p class="mb-2">{notifications}</p>
      {logout}
    </div>
  </div>
  """  # noqa: E501, W291, W293
        )
    parts.append("\n</header>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _notifications_link(context) -> str:
    """The header's notifications link (governance's partial), rendered once for the
    two places that show it."""
    partial = context.template.engine.get_template("governance/partials/_notifications_link.html")
    return partial.render(context)
