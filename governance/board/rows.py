"""The board's table body, rendered in Python.

The board is the one page that shows every case of a cycle at once (400 at ten
times Copenhagen's volume), each row with its money, scores and move controls:
as a template include it cost ~150 ms of template nodes. This module writes the
same markup with ``str.join``, every text through ``escape``; the words come
translated once per page (``views.labels``), the sentences with numbers from
the same message ids the templates used. ``templates/governance/board/partials/
_board.html`` places the result; the markup's structure is described there.
"""

from html import escape

from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.board.cutline import BELOW, PARTIAL
from kkdigital.lib.money import format_thousands


def render_body(state, context) -> SafeString:
    """The rows of the ranking and the cut lines between them."""
    # Every label escaped once for the page, not once a row.
    t = {key: esc(label) for key, label in context["t"].items()}
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    show_lines = not context["filters"].active
    parts = []
    if show_lines and state.lines_before_first:
        parts.append(_cutline(state, state.lines_before_first))
    move = {
        "url": esc(context["move_url"]),
        "csrf": context["csrf_input"],
        "version": state.board.version,
        "q": esc(context["querystring"]),
        "count": state.all_count,
        "decimal_separator": decimal_separator,
    }
    for row in state.rows:
        parts.append(_row(row, t, move))
        if show_lines and row.lines_after:
            parts.append(_cutline(state, row.lines_after))
    return SafeString("".join(parts))


def esc(value) -> str:
    """Escape a text for HTML (as Django's ``escape``, without its lazy-string wrapper:
    nothing passed here is already HTML)."""
    return escape(str(value))


def mean_text(mean, decimal_separator) -> str:
    """A weighted mean (already to one decimal) as ``floatformat:1`` writes it."""
    return f"{mean:.1f}".replace(".", decimal_separator)


def _sr(text) -> str:
    return f'<span class="sr-only">{text}</span>'


def _row(row, t, move) -> str:
    case, entry = row.case, row.entry
    title = esc(case.title)
    published = row.published
    classes = "kk-board-row"
    if published:
        classes += " kk-published"
    if row.line_status == BELOW:
        classes += " kk-below"
    out = [
        f'<tr id="case-{case.pk}" class="{classes}" data-case="{case.pk}" '
        f'data-rank="{entry.rank}"><td class="kk-num kk-rank">'
    ]
    if not published:
        out.append(
            f'<span class="kk-drag-handle" hidden aria-hidden="true" title="{t["drag"]}">⠿</span>'
        )
    out.append(f'<span class="kk-rank-number">{entry.rank}</span></td><td class="kk-case">')
    code = f'<span class="kk-code">{esc(case.note_code)}</span> ' if case.note_code else ""
    out.append(f'<a href="{esc(row.url_case)}" class="kk-case-title">{code}{title}</a>')
    out.append(f'<span class="kk-case-meta">{esc(row.meta)}</span>')
    if published:
        out.append(
            f'<span class="kk-tag">{esc(row.published_label)}: {esc(row.state_label)}</span>'
        )
    out.append('</td><td class="kk-num kk-score">')
    out.append(_score(row, t, title, move["decimal_separator"]))
    out.append("</td>")
    for cell in row.year_cells:
        out.append('<td class="kk-num kk-year">')
        out.append(
            "".join(_amount(item, t) for item in cell["items"])
            or '<span class="kk-none" aria-hidden="true">·</span>'
        )
        out.append("</td>")
    out.append(f'<td class="kk-pool">{_pool(row, t, title)}</td>')
    out.append(f'<td class="kk-recommendation">{_recommendation(row, t, title, move)}</td>')
    out.append(f'<td class="kk-move-cell">{"" if published else _move(row, t, title, move)}</td>')
    out.append("</tr>\n")
    return "".join(out)


def _score(row, t, title, decimal_separator) -> str:
    score_link = f'<a class="small-text" href="{esc(row.url_score)}">'
    if row.sealed:
        html = f'<span class="kk-sealed">{t["sealed"]}</span>'
        if row.qualified:
            html += f" {score_link}{t['score_first']}{_sr(': ' + title)}</a>"
        return html
    if row.mean:
        html = (
            f'<span class="kk-mean">{mean_text(row.mean, decimal_separator)}</span> '
            f'<span class="small-text kk-scorers">{esc(row.scorers)}</span>'
        )
        if row.disagreement:
            names = esc(row.disagreement_names)
            html += (
                f' <span class="kk-flag" title="{names}"><span aria-hidden="true">⚑</span> '
                f"{t['disagree']}{_sr(': ' + names)}</span>"
            )
        label = t["scores"] if row.qualified else t["see_scores"]
        return html + f" {score_link}{esc(label)}{_sr(': ' + title)}</a>"
    html = '<span aria-hidden="true">–</span>'
    if row.qualified:
        html += f" {score_link}{t['score']}{_sr(': ' + title)}</a>"
    return html


def _amount(item, t) -> str:
    requested = format_thousands(item["requested"])
    recommended = item["recommended"]
    if recommended is not None and recommended != item["requested"]:
        amount = (
            f"<del>{_sr(t['requested'] + ' ')}{requested}</del> {format_thousands(recommended)}"
        )
    else:
        amount = requested
    mark = ""
    if item["status"] == BELOW:
        mark = f' <span class="kk-mark" title="{t["below"]}">✗{_sr(" " + t["below_lower"])}</span>'
    elif item["status"] == PARTIAL:
        straddles = _("straddles the cut line, %(fits)s fits") % {
            "fits": format_thousands(item["fits"])
        }
        mark = (
            f' <span class="kk-mark" title="{t["straddles"]}">½{_sr(" " + esc(straddles))}</span>'
        )
    return (
        f'<span class="kk-amount kk-amount--{item["status"] or "none"}">'
        f'<span class="kk-channel">{esc(item["short"])}</span> {amount}{mark}</span> '
    )


def _pool(row, t, title) -> str:
    pool = row.pool
    if not (pool and pool.applies):
        return f'<span aria-hidden="true">–</span>{_sr(t["not_applicable"])}'
    if pool.passed:
        html = f'<span class="kk-ok"><span aria-hidden="true">✓</span> {t["met"]}</span>'
    else:
        html = f'<span class="kk-not-ok"><span aria-hidden="true">✗</span> {t["not_met"]}</span>'
    if pool.payback_years is not None:
        n = pool.payback_years
        payback = ngettext("payback %(n)s year", "payback %(n)s years", n) % {"n": localize(n)}
        html += f'<span class="small-text d-block">{esc(payback)}</span>'
    if pool.reasons:
        reasons = "".join(f"<li>{esc(reason)}</li>" for reason in pool.reasons)
        html += (
            f'<details class="kk-why"><summary class="small-text">{t["why"]}'
            f'{_sr(": " + title)}</summary><ul class="small-text">{reasons}</ul></details>'
        )
    return html


def _recommendation(row, t, title, move) -> str:
    html = ""
    if row.effective == "recommended":
        html = (
            '<span class="kk-rec kk-rec--yes"><span aria-hidden="true">●</span> '
            f"{t['recommended']}</span>"
        )
    elif row.effective == "not_recommended":
        html = (
            '<span class="kk-rec kk-rec--no"><span aria-hidden="true">○</span> '
            f"{t['not_recommended']}</span>"
        )
    if row.entry.recommendation:
        note = f"{t['by_circle']} {esc(Truncator(row.entry.reason).chars(80))}"
    elif not row.published:
        note = t["follows"]
    else:
        note = ""
    html += f'<span class="small-text d-block">{note}</span>'
    if row.partial:
        fits = "; ".join(
            _("%(fits)s fits in %(name)s %(year)s")
            % {"fits": format_thousands(fits), "name": channel.name, "year": year}
            for channel, year, fits in row.partial
        )
        html += f'<span class="small-text d-block">{esc(fits)}</span>'
        if row.partial_open and not row.published:
            html += (
                f'<form method="post" action="{esc(row.url_fund)}" class="kk-inline-form">'
                f'{move["csrf"]}<button type="submit" class="button button-tertiary '
                f'kk-small-button">{t["fund_part"]}{_sr(": " + title)}</button></form>'
            )
    if not row.published:
        html += (
            f'<a class="small-text" href="{esc(row.url_recommend)}">{t["change"]}'
            f"{_sr(': ' + t['recommendation_of'] + ' ' + title)}</a>"
        )
    return html


def _move(row, t, title, move) -> str:
    pk, rank = row.case.pk, row.entry.rank
    up_disabled = " disabled" if rank == 1 else ""
    down_disabled = " disabled" if rank == move["count"] else ""
    # The position and its button come first: Enter in the field submits "to".
    return (
        f'<form method="post" action="{move["url"]}" class="kk-move" hx-post="{move["url"]}" '
        f'hx-target="#board" hx-swap="outerHTML">{move["csrf"]}'
        f'<input type="hidden" name="case" value="{pk}">'
        f'<input type="hidden" name="version" value="{move["version"]}">'
        f'<input type="hidden" name="q" value="{move["q"]}">'
        f'<label class="sr-only" for="position-{pk}">{t["new_position"]} {title}</label>'
        f'<input class="form-input kk-position" id="position-{pk}" name="position" type="number" '
        f'min="1" max="{move["count"]}" inputmode="numeric" placeholder="{t["no"]}">'
        f'<button type="submit" name="step" value="to" class="button button-tertiary kk-move-to">'
        f"{t['move']}{_sr(': ' + title)}</button>"
        f'<button type="submit" name="step" value="up" class="button button-secondary '
        f'kk-move-button"{up_disabled}><span aria-hidden="true">↑</span>'
        f"{_sr(t['move_up'] + ' ' + title)}</button>"
        f'<button type="submit" name="step" value="down" class="button button-secondary '
        f'kk-move-button"{down_disabled}><span aria-hidden="true">↓</span>'
        f"{_sr(t['move_down'] + ' ' + title)}</button></form>"
    )


def _cutline(state, labels) -> str:
    where = "; ".join(
        f"{esc(channel.name if channel else '')} {year} ("
        + esc(
            _("capacity %(used)s, asked for %(total)s")
            % {"used": format_thousands(line.capacity), "total": format_thousands(line.total)}
        )
        + ")"
        for channel, year, line in labels
    )
    # Translated outside the f-strings: makemessages does not read inside one.
    name = esc(_("Cut line"))
    runs_out = esc(_("The money runs out here: the cases below do not fit."))
    return (
        f'<tr class="kk-cutline"><td colspan="{len(state.years) + 6}">'
        f'<span class="kk-cutline-mark" aria-hidden="true">✂</span> '
        f"<strong>{name}:</strong> {where}. {runs_out}</td></tr>\n"
    )
