"""Add or replace messages in both catalogs: ``python bot/locales/add_messages.py KEYS_FILE``.

KEYS_FILE is a Python file defining ``KEYS`` (new keys) and optionally ``REPLACE``
(existing keys to overwrite), each ``{key: (english, vietnamese)}``. Babel writes the
catalogs back unwrapped, so the diff shows only what changed.
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po

CATALOG = "bot/locales/{lang}/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    spec = runpy.run_path(path)
    new: dict[str, tuple[str, str]] = spec.get("KEYS", {})
    replace: dict[str, tuple[str, str]] = spec.get("REPLACE", {})
    for index, lang in enumerate(("en", "vi")):
        file = CATALOG.format(lang=lang)
        with open(file, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for key, texts in new.items():
            if key in catalog:
                raise SystemExit(f"{key} already exists (use REPLACE)")
            catalog.add(key, texts[index])
        for key, texts in replace.items():
            if key not in catalog:
                raise SystemExit(f"{key} does not exist")
            catalog[key].string = texts[index]
        with open(file, "wb") as fh:
            write_po(fh, catalog, width=100_000, sort_output=False)


if __name__ == "__main__":
    main(sys.argv[1])
