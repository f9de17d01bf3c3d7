"""The stored consent version names the exact notice text people agreed to."""

from __future__ import annotations

import hashlib

from bot.i18n import default_translator
from bot.services.users import CONSENT_KEYS, CONSENT_VERSION

#: sha256 of every language's consent texts, per version. Changing the notice in any
#: language without bumping CONSENT_VERSION (and adding its hash here) fails.
PINNED = {
    "2026-03.1": "48bf666435001658d9f6deee2302753d5a0f013192bb0ff5398888aaccae2c1f",
}


def consent_hash() -> str:
    translator = default_translator("vi")
    digest = hashlib.sha256()
    for key in CONSENT_KEYS:
        for lang in sorted(translator.catalogs):
            digest.update(lang.encode() + b"\0" + translator.t(lang, key).encode() + b"\0")
    return digest.hexdigest()


def test_consent_text_changes_bump_the_version() -> None:
    assert CONSENT_VERSION in PINNED, "add the new version's hash to PINNED"
    assert consent_hash() == PINNED[CONSENT_VERSION], (
        "the consent notice changed: bump CONSENT_VERSION in bot/services/users.py and pin "
        f"its hash here ({consent_hash()})"
    )


def test_both_languages_have_the_notice() -> None:
    translator = default_translator("vi")
    assert {"vi", "en"} <= set(translator.catalogs)
    for lang in ("vi", "en"):
        assert "/deleteme" in translator.t(lang, "consent.notice")
