"""Refresh the workbench's gettext catalogues from the templates and the web package.

    .venv/bin/python scripts/update_messages.py          # adds new messages (empty) to each .po, marks dropped ones obsolete
    .venv/bin/python scripts/update_messages.py --check  # exit 1 if a catalogue lacks a message or a translation

Messages are ``{% trans %}``/``_()``/``ngettext()`` in web/templates and ``N_()``/``_()`` in web/*.py.
The .po files are the source; the app compiles them in memory on first use (recruitwatch.web.i18n).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parents[1] / "src" / "recruitwatch" / "web"
LOCALES = WEB / "locale"


def template() -> Catalog:
    catalogue = Catalog(project="recruitwatch", fuzzy=False)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    method_map = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for name, line, message, comments, context in extract_from_dir(str(WEB), method_map, options, keywords=keywords):
        catalogue.add(message, None, [(name, line)], auto_comments=comments, context=context)
    return catalogue


def main(check: bool) -> int:
    pot = template()
    problems = 0
    for po_path in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as f:
            catalogue = read_po(f)
        if check:
            for message in pot:
                if not message.id:
                    continue
                found = catalogue.get(message.id)
                if found is None or not (all(found.string) if isinstance(found.string, tuple) else found.string):
                    print(f"{po_path}: no translation of {message.id!r}")
                    problems += 1
            continue
        catalogue.update(pot, no_fuzzy_matching=True)
        with po_path.open("wb") as f:
            write_po(f, catalogue, width=100, sort_output=False, omit_header=False)
        print(f"updated {po_path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
