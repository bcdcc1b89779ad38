"""Every text our Python code translates is one makemessages can find.

makemessages (xgettext) does not read inside an f-string: ``f"{_('Cut line')}"``
is translated at run time from a catalogue that never gets the text, so the page
shows it in English (CI runs makemessages --no-obsolete, which drops it). The
header and the board's cut line did this; the text goes into a name first."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("financing", "governance", "kkdigital", "portfolio", "strategy", "bench")
# A translation call inside an f-string's braces, on one line.
IN_FSTRING = re.compile(r"""\bf(["']).*\{[^}]*\b(_|gettext|ngettext|pgettext|gettext_lazy)\(""")
TRIPLE_F = re.compile(r'\bf"""')


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_translation_inside_an_f_string():
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if IN_FSTRING.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
        # Inside a triple-quoted f-string, a call on a line of its own.
        for match in TRIPLE_F.finditer(text):
            end = text.find('"""', match.end())
            body = text[match.end():end]
            for call in re.finditer(r"\{[^}]*\b(_|gettext|ngettext|pgettext)\(", body):
                number = text.count("\n", 0, match.end() + call.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{number}: {call.group(0)}")
    assert found == []


def test_the_check_finds_one():
    assert IN_FSTRING.search("""html = f"<b>{esc(_('Cut line'))}</b>" """)
    assert not IN_FSTRING.search("""name = esc(_("Cut line"))""")
