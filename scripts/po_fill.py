"""Fill untranslated or fuzzy entries of the Indonesian catalogue from a JSON file.

Usage: python scripts/po_fill.py translations.json   ({"msgid": "terjemahan", ...}; for a plural
entry give the one Indonesian form; for a context entry use "context\\u0004msgid" as the key).
Lists what is still missing afterwards. Development tool; kaderasi does not need it to run.
"""

import json
import re
import sys
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%(\([a-zA-Z_]+\))?[sdrf]")
CATALOGUE = Path(__file__).resolve().parent.parent / "kaderasi/locale/id/LC_MESSAGES/django.po"


def main() -> None:
    catalogue = polib.pofile(str(CATALOGUE), wrapwidth=79)
    translations = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else {}
    for entry in catalogue:
        key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
        if key in translations and (not entry.translated() or entry.fuzzy):
            if entry.msgid_plural:
                entry.msgstr_plural = {0: translations[key]}
            else:
                entry.msgstr = translations[key]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    for entry in catalogue:
        # msgmerge marks an entry fuzzy when only its flags changed (the python-format flag this
        # script drops below comes back with every makemessages); the translation still holds.
        if entry.fuzzy and entry.msgstr and entry.previous_msgid == entry.msgid:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    for entry in catalogue:
        # xgettext marks any "% c"-like text (as in "95 % confidence") as python-format; only
        # strings with real placeholders are formatted, so only those keep the flag.
        if "python-format" in entry.flags and not PLACEHOLDER.search(
            entry.msgid + (entry.msgid_plural or "")
        ):
            entry.flags.remove("python-format")
    catalogue.save()
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    missing = [e.msgid for e in catalogue if not e.translated() or e.fuzzy]
    print(f"{len(missing)} missing")
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))


if __name__ == "__main__":
    main()
