"""The rows of a round's list of reports, rendered in Python.

A round's page lists 50 reports a page, each with three lights; as template
includes (``partials/_report_rows.html``, ``_aspect.html`` and ``_light.html`` for
every light) that was more of the page's time than judging the whole round. This
module writes the same markup from the round's lines (``selectors.round_lines``:
no report rows, figures or prefetches for the page), every text through
``escape`` as Django's own ``escape`` does; the words are translated once per
page. The table around the rows is in ``round_detail.html``.
"""

from html import escape

from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kkdigital.lib.money import format_thousands

from .evaluation import ASPECTS, ReportLine, aspect_labels
from .models import Light, ReportStatus

# A report number no report has: its place in the reversed address is where a
# report's number goes (one ``reverse`` for the page instead of one a row).
_MARKER = 2147483647
_ICONS = {Light.GREEN: "check", Light.YELLOW: "warning", Light.RED: "error"}


def _words() -> dict[str, str]:
    """The words of the rows, translated once (the message ids of the partials)."""
    return {
        Light.GREEN: _("Green"),
        Light.YELLOW: _("Yellow"),
        Light.RED: _("Red"),
        Light.NONE: _("Cannot be computed"),
        "set": _("Set by the department:"),
        "rebaselined": _("Rebaselined"),
        "empty": _("No reports."),
    }


def _light(light: str, label: str, icons: str, words: dict) -> str:
    """One traffic light: icon and text, never colour alone (as ``_light.html``)."""
    icon = _ICONS.get(light, "help")
    return (
        f'<span class="kk-light kk-light--{escape(light)}"><svg class="icon-svg" '
        f'focusable="false" aria-hidden="true"><use href="{icons}#{icon}"></use></svg> '
        f'<span class="sr-only">{label}: </span>{words.get(light, words[Light.NONE])}</span>'
    )


def report_rows(lines: list[ReportLine]) -> SafeString:
    """The ``<tr>`` of each of ``lines``: case (linked), department, the three lights
    with the department's override beside the computed light, the granted and the
    expected total (1.000 kr.) and the status (as ``_report_rows.html``)."""
    words = {key: escape(str(word)) for key, word in _words().items()}
    labels = {aspect: escape(str(label)) for aspect, label in aspect_labels().items()}
    statuses = {value: escape(str(label)) for value, label in ReportStatus.choices}
    icons = escape(static("vendor/dkfds/img/all-svg-icons.svg"))
    prefix, suffix = reverse("governance:followup-report", args=[_MARKER]).split(str(_MARKER))
    rows = []
    for line in lines:
        badge = (
            f' <span class="badge badge-info">{words["rebaselined"]}</span>'
            if line.rebaselined
            else ""
        )
        cells = []
        for aspect in ASPECTS:
            computed, override = line.judged[aspect]
            label = labels[aspect]
            cell = _light(computed, label, icons, words)
            if override and override != computed:
                cell += (
                    f' <span class="kk-override">{words["set"]} '
                    f"{_light(override, label, icons, words)}</span>"
                )
            cells.append(f'<td><div class="kk-aspect">{cell}</div></td>')
        expected = "–" if line.expected_total is None else format_thousands(line.expected_total)
        rows.append(
            f'<tr data-report="{line.pk}"><th scope="row">'
            f'<a href="{escape(f"{prefix}{line.pk}{suffix}")}">{escape(line.case_title)}</a>'
            f"{badge}</th><td>{escape(line.department_code)}</td>{''.join(cells)}"
            f'<td class="kk-num">{format_thousands(line.granted_total)}</td>'
            f'<td class="kk-num">{expected}</td>'
            f"<td>{statuses.get(line.status, escape(line.status))}</td></tr>\n"
        )
    if not rows:
        rows.append(f'<tr><td colspan="8">{words["empty"]}</td></tr>')
    # Every text in the rows went through ``escape``; numbers are digits and dots.
    return SafeString("".join(rows))
