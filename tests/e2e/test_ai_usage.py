"""/ai_usage over the emulator: an organizer sees the last 7 days' AI calls per day and
feature (calls, failures, tokens, estimated cost) and whether AI is on; anyone else is
refused."""

from __future__ import annotations

from datetime import timedelta

from sandbox import Emulator
from storage.db import create_sessionmaker
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, RunningBot, make_settings
from tests.e2e.flows import onboard, t

LANG = "vi"


async def seed_calls(running_bot: RunningBot) -> None:
    now = running_bot.clock.now
    rows = [
        (now - timedelta(minutes=5), "brief", "ok", 1_200_000, 400_000),
        (now - timedelta(minutes=4), "brief", "timeout", None, None),
        (now - timedelta(minutes=3), "post_draft", "ok", 800_000, 600_000),
        (now - timedelta(days=1), "post_draft", "disabled", None, None),
        (now - timedelta(days=30), "brief", "ok", 9, 9),  # outside the 7 days
    ]
    async with create_sessionmaker(running_bot.engine)() as s, s.begin():
        repos = Repositories.bind(s)
        for when, feature, status, tokens_in, tokens_out in rows:
            await repos.ai.record_call(
                feature=feature,
                prompt=feature,
                prompt_version="1",
                model="gpt-4o-mini",
                status=status,
                latency_ms=250,
                created_at=when,
                prompt_tokens=tokens_in,
                completion_tokens=tokens_out,
            )


async def test_organizer_sees_usage_and_others_are_refused(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    await seed_calls(running_bot)
    org = emulator.user(id=ORGANIZER_ID, first_name="Organizer", language_code="vi")
    await org.send("/ai_usage")
    report = await org.expect_message()
    text = report.text
    assert (t(LANG, "ai.usage.off") in text) is not running_bot.settings.ai_enabled
    today = running_bot.clock.now.astimezone(running_bot.settings.tz)
    assert today.strftime("%d/%m/%Y") in text
    # brief today: 2 calls, 1 failed; 1.2M in + 0.4M out at 0.15 / 0.60 = $0.42.
    brief_line = t(
        LANG,
        "ai.usage.line",
        feature="brief",
        calls="2",
        failed="1",
        tokens_in="1.200.000",
        tokens_out="400.000",
        cost="0.4200",
    )
    assert brief_line in report.html
    # Total (not the row of 30 days ago): 3 calls, 1 failed, 2.0M in, 1.0M out:
    # 0.30 + 0.60 = $0.90; and 1 answered by templates.
    total = t(
        LANG,
        "ai.usage.total",
        calls="3",
        failed="1",
        tokens_in="2.000.000",
        tokens_out="1.000.000",
        cost="0.9000",
    ) + t(LANG, "ai.usage.templates", count="1")
    assert total in report.html

    stranger = emulator.user(id=4_400_000_001, first_name="Lan", language_code="en")
    await onboard(stranger, "en", None)
    await stranger.send("/ai_usage")
    refused = await stranger.expect_message()
    assert refused.html == t("en", "error.not_allowed")


async def test_with_a_key_the_note_is_gone(
    running_bot: RunningBot, emulator: Emulator, migrated_url: str
) -> None:
    await running_bot.stop()
    running_bot.settings = make_settings(emulator, migrated_url, openai_api_key="sk-test")
    await running_bot.start()
    org = emulator.user(id=ORGANIZER_ID, first_name="Organizer", language_code="vi")
    await org.send("/ai_usage")
    report = await org.expect_message()
    assert t(LANG, "ai.usage.off") not in report.text
    assert t(LANG, "ai.usage.empty") in report.text
