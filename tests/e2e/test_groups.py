"""The group registry over the emulator: the bot added by an organizer or by someone
else (confirm from the notice), /tag and /untag in the group, a title change, a
migration to a supergroup, removal and re-adding, /groups pages, Leave, and forged
buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.ui.callbacks import GroupCB
from sandbox import Emulator, SimUser
from storage.db import create_sessionmaker
from storage.dto import GroupDTO
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, SECOND_ORGANIZER_ID, RunningBot
from tests.e2e.flows import t

LANG = "vi"


def organizer(emulator: Emulator, user_id: int = ORGANIZER_ID) -> SimUser:
    return emulator.user(id=user_id, first_name="Organizer", language_code="vi")


async def stored(running_bot: RunningBot, chat_id: int) -> GroupDTO | None:
    async with create_sessionmaker(running_bot.engine)() as s:
        return await Repositories.bind(s).groups.by_chat(chat_id)


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait (up to 5 s) for something the bot does without replying."""
    async with asyncio.timeout(5):
        while not await check():  # noqa: ASYNC110 (polling the database, not an event)
            await asyncio.sleep(0.05)


async def test_organizer_adds_the_bot_then_tags_renames_migrates_and_removes(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    org, other = organizer(emulator), organizer(emulator, SECOND_ORGANIZER_ID)
    group = emulator.group("Đại sứ Hà Nội", type="group")
    await org.add_bot_to(group)
    notice = await org.expect_message()
    assert notice.html == t(
        LANG,
        "group.notice.added_confirmed",
        title="Đại sứ Hà Nội",
        who=f"Organizer [{ORGANIZER_ID}]",
    )
    assert "Đại sứ Hà Nội" in (await other.expect_message()).text
    row = await stored(running_bot, group.id)
    assert row is not None and row.confirmed and row.status == "active"
    assert row.added_by == ORGANIZER_ID and row.member_count == 2

    # /tag by an organizer (Vietnamese letters folded), /untag, and by someone else.
    await org.send("/tag Hà-Nội press techfest-2025", chat=group)
    reply = await org.expect_message(chat=group)
    tags = "ha-noi, press, techfest-2025"
    assert reply.html == t(LANG, "group.tags.saved", title=row.title, tags=tags)
    await org.send("/untag press", chat=group)
    assert "press" not in (await org.expect_message(chat=group)).text
    await org.send("/tag bad!tag", chat=group)
    bad = await org.expect_message(chat=group)
    assert bad.html == t(LANG, "group.error.bad_tag", tag="bad!tag")
    stranger = emulator.user(id=555, first_name="Stranger", language_code="en")
    await stranger.send("/tag spam", chat=group)
    refused = await stranger.expect_message(chat=group)
    assert refused.html == t("en", "error.not_allowed")

    # Title change, then the group becomes a supergroup: one row, new id, tags kept.
    await org.set_group_title(group, "Hanoi ambassadors")

    async def renamed() -> bool:
        found = await stored(running_bot, group.id)
        return found is not None and found.title == "Hanoi ambassadors"

    await eventually(renamed)
    super_group = await emulator.migrate_group(group, by=org)

    async def migrated() -> bool:
        return await stored(running_bot, super_group.id) is not None

    await eventually(migrated)
    moved = await stored(running_bot, super_group.id)
    assert moved is not None and moved.id == row.id and moved.type == "supergroup"
    assert moved.tags == ("ha-noi", "techfest-2025") and moved.migrated_from == group.id
    assert await stored(running_bot, group.id) is None

    # Removed: inactive; re-added: active again, organizers told again.
    await org.remove_bot_from(super_group)

    async def inactive() -> bool:
        found = await stored(running_bot, super_group.id)
        return found is not None and found.status == "inactive"

    await eventually(inactive)
    await org.add_bot_to(super_group, as_admin=True)
    await org.expect_message()
    back = await stored(running_bot, super_group.id)
    assert back is not None and back.status == "active" and back.bot_is_admin
    assert back.id == row.id and back.tags == ("ha-noi", "techfest-2025")


async def test_someone_else_adds_the_bot_an_organizer_confirms(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    org = organizer(emulator)
    stranger = emulator.user(id=777, first_name="Minh", username="minh", language_code="en")
    group = emulator.group("Startup chat")
    await stranger.add_bot_to(group)
    notice = await org.expect_message()
    assert notice.html == t(
        LANG, "group.notice.added_unconfirmed", title="Startup chat", who="Minh (@minh)"
    )
    row = await stored(running_bot, group.id)
    assert row is not None and not row.confirmed
    # The stranger cannot confirm, even with the button's data.
    confirm = next(b for b in notice.buttons if "confirm" in b["callback_data"])
    forged = await stranger.press_data(confirm["callback_data"], message=notice)
    assert forged.show_alert and forged.text == t("en", "error.not_allowed")
    answer = await org.press(t(LANG, "btn.group_confirm"), message=notice)
    assert answer.text == t(LANG, "group.done.confirmed")
    card = await org.expect_edit()
    assert t(LANG, "group.confirmed") in card.text
    assert t(LANG, "btn.group_confirm") not in card.button_texts
    confirmed = await stored(running_bot, group.id)
    assert confirmed is not None and confirmed.confirmed


async def test_groups_pages_tags_and_leave(running_bot: RunningBot, emulator: Emulator) -> None:
    org = organizer(emulator)
    groups = [emulator.group(f"Group {i}") for i in range(7)]
    for group in groups:
        await org.add_bot_to(group)
        await org.expect_message()
    await org.send("/groups")
    first = await org.expect_message()
    assert "Group 0" in first.text and "Group 4" in first.text and "Group 5" not in first.text
    assert t(LANG, "group.members", count=2) in first.text
    await org.press(t(LANG, "btn.next"), message=first)
    second = await org.expect_edit()
    assert "Group 5" in second.text and "Group 6" in second.text and "Group 0" not in second.text
    assert t(LANG, "btn.next") not in second.button_texts

    # Open Group 6, type its tags, then make the bot leave.
    await org.press("7. Group 6", message=second)
    card = await org.expect_edit()
    await org.press(t(LANG, "btn.group_tags"), message=card)
    prompt = await org.expect_message()
    assert "Group 6" in prompt.text
    await org.send("much bad!")
    assert (await org.expect_message()).html == t(LANG, "group.error.bad_tag", tag="bad!")
    await org.send("Đà Nẵng, press")
    saved = await org.expect_message()
    assert saved.html == t(LANG, "group.tags.saved", title="Group 6", tags="da, nang, press")
    await org.press(t(LANG, "btn.group_leave"), message=saved)
    left = await org.expect_edit()
    assert t(LANG, "group.done.left", title="Group 6") in left.html
    assert groups[6].bot_status == "left"

    async def inactive() -> bool:
        found = await stored(running_bot, groups[6].id)
        return found is not None and found.status == "inactive" and not found.confirmed

    await eventually(inactive)
    # Inactive groups come last.
    await org.send("/groups")
    page = await org.expect_message()
    assert "Group 6" not in page.text


async def test_non_organizers_see_no_groups(running_bot: RunningBot, emulator: Emulator) -> None:
    org = organizer(emulator)
    group = emulator.group("Press")
    await org.add_bot_to(group)
    await org.expect_message()
    someone = emulator.user(id=4242, first_name="Lan", language_code="en")
    await someone.send("/groups")
    assert (await someone.expect_message()).html == t("en", "error.not_allowed")
    row = await stored(running_bot, group.id)
    assert row is not None
    for action in ("page", "show", "confirm", "leave", "tags"):
        data = GroupCB(action=action, id=row.id).pack()
        answer = await someone.press_data(data, chat=someone.private_chat)
        assert answer.show_alert and answer.text == t("en", "error.not_allowed")
    assert group.bot_status == "member"
