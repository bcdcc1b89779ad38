"""Fail when the Danish catalogue has an untranslated or fuzzy entry."""

import re
import sys


def entries(text: str):
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line]
        if not lines or any(line.startswith("#~") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        body = "\n".join(line for line in lines if not line.startswith("#"))
        head = body.split("msgstr")[0]
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', head, re.M))
        msgstrs = re.findall(r'msgstr(?:\[\d+\])? ((?:".*"\n?)+)', body)
        yield msgid, fuzzy, ["".join(re.findall(r'"(.*)"', s)) for s in msgstrs]


def main(path: str) -> int:
    problems = []
    for msgid, fuzzy, msgstrs in entries(open(path, encoding="utf-8").read()):
        if not msgid:
            continue  # the header
        if fuzzy or not msgstrs or any(not s for s in msgstrs):
            problems.append(msgid)
    for msgid in problems:
        print(f"untranslated: {msgid!r}")
    print(f"{len(problems)} untranslated or fuzzy entries in {path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
