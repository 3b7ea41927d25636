"""Fill the English catalog from dicts of translations (translator's helper).

Usage: .venv/bin/python scripts/i18n_fill.py CHUNK_DIR [--todo FILE]

Each CHUNK_DIR/*.py defines T = {msgid: msgstr}; for a plural entry the key is the singular
msgid and the value a (singular, plural) tuple. Translations are applied to every matching
entry of translations/en/LC_MESSAGES/messages.po (overriding what is there and clearing the
fuzzy flag), after checking that placeholders and leading/trailing spaces match. Entries still
without English are listed (as JSON lines) in the --todo file.
"""

import json
import re
import runpy
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def placeholders(text: str) -> Counter:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


def edges(text: str) -> tuple[str, str]:
    return (text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :])


def load(chunk_dir: Path) -> dict:
    merged: dict = {}
    for path in sorted(chunk_dir.glob("*.py")):
        for key, value in runpy.run_path(str(path))["T"].items():
            if key in merged and merged[key] != value:
                print(f"note: {path.name} overrides {key!r}")
            merged[key] = value
    return merged


def check(msgid, msgstr) -> list[str]:
    problems = []
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    strs = msgstr if isinstance(msgstr, tuple) else (msgstr,)
    if len(ids) != len(strs):
        return ["plural shape differs"]
    for i, s in zip(ids, strs, strict=True):
        if not s.strip():
            problems.append("empty")
        # Plural forms may drop the number in the singular only if the source does too.
        if placeholders(i) != placeholders(s):
            problems.append(f"placeholders {sorted(placeholders(i))} != {sorted(placeholders(s))}")
        if edges(i) != edges(s):
            problems.append("leading/trailing whitespace differs")
    return problems


def main() -> int:
    chunk_dir = Path(sys.argv[1])
    todo = Path(sys.argv[sys.argv.index("--todo") + 1]) if "--todo" in sys.argv else None
    table = load(chunk_dir)
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    applied = bad = 0
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        value = table.get(key)
        if value is not None:
            if isinstance(message.id, tuple) and isinstance(value, str):
                value = (value, value)
            problems = check(message.id, value)
            if problems:
                bad += 1
                print(f"SKIP {key!r}: {'; '.join(problems)}")
            else:
                message.string = value
                message.flags.discard("fuzzy")
                applied += 1
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        if not text or message.fuzzy:
            missing.append(message.id)
    with open(PO, "wb") as fh:
        write_po(fh, catalog)
    total = sum(1 for m in catalog if m.id)
    print(
        f"{total} messages, {applied} filled from {len(table)} translations, "
        f"{bad} rejected, {len(missing)} still without English"
    )
    if todo:
        with open(todo, "w", encoding="utf-8") as fh:
            for msgid in missing:
                fh.write(json.dumps(msgid, ensure_ascii=False) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
