"""Campaigns over the emulator: an organizer creates one (typed name and dates, with
mistakes), activates it, a startup pitches and the request belongs to it, the
organizer moves the request from its card; non-organizers are refused, forged
buttons included."""

from __future__ import annotations

from datetime import date

from bot.ui.callbacks import CampaignCB
from sandbox import Emulator, SimUser
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import seed, submit_pitch

LANG = "vi"


def organizer(emulator: Emulator) -> SimUser:
    return emulator.user(id=ORGANIZER_ID, first_name="Organizer", language_code=LANG)


async def create_campaign(org: SimUser, name: str, dates: str) -> None:
    """/campaigns, ➕ New campaign, the name, the dates (the list comes back)."""
    await org.send("/campaigns")
    listing = await org.expect_message()
    await org.press(t(LANG, "campaign.btn.new"), message=listing)
    assert (await org.expect_message()).html == t(LANG, "campaign.ask.name")
    await org.send(name)
    assert (await org.expect_message()).html == t(LANG, "campaign.ask.dates", name=name)
    await org.send(dates)
    await org.expect_message()  # created
    await org.expect_message()  # the list


async def test_organizer_creates_activates_and_moves(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    org = organizer(emulator)
    await org.send("/start")
    await org.expect_message()
    await org.send("/campaigns")
    empty = await org.expect_message()
    assert empty.html == "\n".join(
        [
            t(LANG, "campaign.list.title"),
            t(LANG, "campaign.list.empty"),
            "",
            t(LANG, "campaign.list.none_active"),
        ]
    )
    await org.press(t(LANG, "campaign.btn.new"), message=empty)
    await org.expect_message()
    await org.send("x" * 121)
    assert (await org.expect_message()).html == t(LANG, "campaign.error.name_length", max=120)
    await org.send("Techfest Vietnam 2025")
    await org.expect_message()
    await org.send("2025")
    assert (await org.expect_message()).html == t(LANG, "campaign.error.dates_format")
    await org.send("31/12/2025 - 01/12/2025")
    assert (await org.expect_message()).html == t(LANG, "campaign.error.dates_order")
    await org.send("01/12/2025 - 31/12/2026")
    created = await org.expect_message()
    assert created.html == t(
        LANG, "campaign.created", name="Techfest Vietnam 2025", start="01/12/2025", end="31/12/2026"
    )
    listing = await org.expect_message()
    assert "Techfest Vietnam 2025" in listing.text
    # A second campaign with the same name (another case) is refused.
    await org.press(t(LANG, "campaign.btn.new"), message=listing)
    await org.expect_message()
    await org.send("TECHFEST vietnam 2025")
    taken = await org.expect_message()
    assert taken.html == t(LANG, "campaign.error.name_taken", name="TECHFEST vietnam 2025")
    await org.send("/cancel")
    await org.expect_message()
    await create_campaign(org, "Đà Nẵng 2026", "01/01/2026 - 31/12/2026")

    await org.send("/campaigns")
    listing = await org.expect_message()
    answer = await org.press(
        t(LANG, "campaign.btn.activate", name="Techfest Vietnam 2025"), message=listing
    )
    assert answer.text == t(LANG, "campaign.done.activated", name="Techfest Vietnam 2025")
    listing = await org.expect_edit()
    assert (
        "🟢" in listing.text
        and t(LANG, "campaign.btn.deactivate", name="Techfest Vietnam 2025") in listing.button_texts
    )

    # The startup pitches: the request belongs to the active campaign.
    await submit_pitch(world.founder, wanted=1)
    async with world.sessionmaker() as s:
        repos = Repositories.bind(s)
        techfest = await repos.campaigns.active()
        request = await repos.requests.get(1)
    assert techfest is not None and techfest.name == "Techfest Vietnam 2025"
    assert techfest.starts_on == date(2025, 12, 1)
    assert request is not None and request.campaign_id == techfest.id

    # Non-organizers: /campaigns and forged buttons are refused.
    await world.founder.send("/campaigns")
    assert (await world.founder.expect_message()).html == t(LANG, "error.not_allowed")
    for data in (
        CampaignCB(action="activate", id=techfest.id),
        CampaignCB(action="new"),
        CampaignCB(action="move", req=1),
        CampaignCB(action="to", id=0, req=1),
    ):
        forged = await world.founder.press_data(
            data.pack(), message=world.founder.last_bot_message()
        )
        assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")

    # The organizer moves it from the request card to the other campaign.
    await org.send("/requests")
    requests_list = await org.expect_message()
    await org.press("#1", message=requests_list)
    card = await org.expect_edit()
    await org.press(t(LANG, "campaign.btn.move"), message=card)
    choice = await org.expect_edit()
    assert choice.html == t(LANG, "campaign.move.title", id=1)
    assert "✅ Techfest Vietnam 2025" in choice.button_texts
    moved = await org.press("Đà Nẵng 2026", message=choice)
    assert moved.text == t(LANG, "campaign.moved", id=1, name="Đà Nẵng 2026")
    after = await org.expect_edit()
    assert "✅ Đà Nẵng 2026" in after.button_texts
    async with world.sessionmaker() as s:
        request = await Repositories.bind(s).requests.get(1)
    assert request is not None and request.campaign_id != techfest.id

    # Deactivate: no active campaign any more.
    await org.send("/campaigns")
    listing = await org.expect_message()
    await org.press(
        t(LANG, "campaign.btn.deactivate", name="Techfest Vietnam 2025"), message=listing
    )
    listing = await org.expect_edit()
    assert t(LANG, "campaign.list.none_active") in listing.text
