"""The full export over Telegram's 50 MB limit for a bot's document (issue #7): the
bot does not try to send it; the organizer is told, in their language, that it is too
big, with a narrower scope and the command line as ways out. The limit is lowered for
the test (``handlers.exports.MAX_DOCUMENT_BYTES`` is read at each export)."""

from __future__ import annotations

import pytest

import handlers.exports
import sandbox.api_media
from sandbox import Emulator
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t


async def test_an_export_over_the_limit_is_not_sent(
    running_bot: RunningBot, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    lang = "vi"
    org = emulator.user(id=ORGANIZER_ID, first_name="Organizer", language_code=lang)
    await org.send("/start")
    await org.expect_message()
    await org.send("/export")
    question = await org.expect_message()
    await org.press(t(lang, "export.btn.full"), message=question)
    scopes = await org.expect_message()
    await org.press(t(lang, "report.btn.month"), message=scopes)
    formats = await org.expect_edit()

    # Under the limit (the real one): the workbook comes.
    await org.press(t(lang, "export.btn.xlsx"), message=formats)
    sent = await org.expect_message()
    assert sent.document is not None
    size = emulator.world.files[sent.document["file_id"]].size
    assert 1000 < size < handlers.exports.MAX_DOCUMENT_BYTES

    # Over a limit of 1,000 bytes: no document, an explanation instead.
    monkeypatch.setattr(handlers.exports, "MAX_DOCUMENT_BYTES", 1000)
    uploads = emulator.world.stats["sendDocument"]
    await org.press(t(lang, "export.btn.xlsx"), message=formats)
    refused = await org.expect_message()
    assert refused.document is None
    assert emulator.world.stats["sendDocument"] == uploads  # not even tried
    mb = 1024 * 1024
    expected = t(
        lang,
        "export.too_big",
        size=handlers.exports.megabytes(size, lang),
        limit=handlers.exports.megabytes(1000, lang),
    )
    assert refused.html == expected
    assert "in2spire export" in refused.text and "--out" in refused.text
    assert handlers.exports.megabytes(50 * mb, "vi") == "50"
    assert handlers.exports.megabytes(73 * mb + mb // 2, "vi") == "73,5"
    assert handlers.exports.megabytes(73 * mb + mb // 2 + 1, "en") == "73.6"  # rounded up

    # A server whose limit is lower than ours: its 413 gets the same explanation.
    monkeypatch.setattr(handlers.exports, "MAX_DOCUMENT_BYTES", 50 * mb)
    monkeypatch.setattr(sandbox.api_media, "MAX_UPLOAD", 1000)
    await org.press(t(lang, "export.btn.xlsx"), message=formats)
    again = await org.expect_message()
    assert again.document is None
    assert emulator.world.stats["sendDocument"] == uploads + 1  # tried, refused with 413
    assert again.html == t(
        lang,
        "export.too_big",
        size=handlers.exports.megabytes(size, lang),
        limit=handlers.exports.megabytes(50 * mb, lang),
    )
