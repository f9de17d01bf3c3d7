"""Campaigns over the emulator: an organizer creates one (typed name and dates, with
mistakes), activates it, a startup pitches and the request belongs to it, the
organizer moves the request from its card; non-organizers are refused, forged
buttons included. /report for the campaign and for this month."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.reference import label
from bot.services.links import LinkService
from bot.ui.callbacks import CampaignCB, ReportCB
from sandbox import Emulator, SimUser
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import A, seed, submit_pitch

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


async def test_report_for_the_campaign(running_bot: RunningBot, emulator: Emulator) -> None:
    """A pitch in the active campaign, one offer accepted, one link on time: /report
    for the campaign shows exactly that; a startup cannot get a report."""
    world = await seed(running_bot, emulator, ambassadors=1)
    org = organizer(emulator)
    await org.send("/start")
    await org.expect_message()
    await create_campaign(org, "Techfest 2026", "01/01/2020 - 31/12/2030")
    await org.send("/campaigns")
    listing = await org.expect_message()
    await org.press(t(LANG, "campaign.btn.activate", name="Techfest 2026"), message=listing)
    await org.expect_edit()
    await submit_pitch(world.founder, wanted=1)
    lan = world.ambassadors[A]
    offer = await lan.expect_message()
    await lan.press(t(LANG, "offer.btn.accept"), message=offer)
    assert "Lan" in (await world.founder.expect_message()).text  # the acceptance news
    async with world.sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        story = (await repos.assignments.for_request(1))[0]
        links = LinkService(repos, running_bot.clock, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
        done = await links.confirm(A, story.id, [("https://www.facebook.com/nts/posts/1", False)])
        assert done.stored
        # What came of it (asked and answered; the question itself: tests/e2e/test_outcomes.py).
        now = running_bot.clock()
        assert await repos.outcomes.claim(1, now)
        await repos.outcomes.update(1, answered_at=now, kinds=["partner", "customers"])

    await org.send("/report")
    chooser = await org.expect_message()
    assert chooser.html == t(LANG, "report.choose")
    assert chooser.button_texts[0] == t(LANG, "report.btn.active", name="Techfest 2026")
    assert t(LANG, "report.btn.quarter") in chooser.button_texts
    await org.press(t(LANG, "report.btn.active", name="Techfest 2026"), message=chooser)
    report = await org.expect_message()
    lines = report.html.split("\n")
    assert lines[0] == "📊 <b>Techfest 2026</b>" and lines[1] == "01/01/2020 – 31/12/2030"
    expected = [
        t(LANG, "report.pitches", count=1),
        t(LANG, "report.by_need", items=f"{label('needs', 'media', LANG)} 1"),
        t(LANG, "report.by_status", items=f"{t(LANG, 'request.status.filled')} 1"),
        t(LANG, "report.offers", made=1, accepted=1, declined=0, expired=0, rate="100%"),
        t(LANG, "report.stories", due=1, on_time=1, rate="100%"),
        t(LANG, "report.links", count=1),
        t(LANG, "report.by_platform", items="Facebook 1"),
        t(LANG, "report.by_province", items="Cần Thơ 1"),
        t(LANG, "report.top.line", rank=1, name="Lan", count=1),
        t(LANG, "report.uncovered.none"),
        t(LANG, "report.outcomes", asked=1, answered=1),
        t(
            LANG,
            "report.outcomes.by_kind",
            items=f"{t(LANG, 'outcome.kind.partner')} 1 · {t(LANG, 'outcome.kind.customers')} 1",
        ),
    ]
    for line in expected:
        assert line in lines, line
    assert (await org.expect_message()).photo  # the chart
    # This month: the same pitch, offer and link (all made today).
    await org.press(t(LANG, "report.btn.month"), message=chooser)
    month = await org.expect_message()
    assert t(LANG, "report.links", count=1) in month.html.split("\n")
    assert (await org.expect_message()).photo

    # A startup: /report and forged scope buttons are refused.
    await world.founder.send("/report")
    assert (await world.founder.expect_message()).html == t(LANG, "error.not_allowed")
    for data in (ReportCB(kind="campaign", id=1), ReportCB(kind="month")):
        forged = await world.founder.press_data(
            data.pack(), message=world.founder.last_bot_message()
        )
        assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
    # An organizer pressing a campaign that does not exist hears so.
    gone = await org.press_data(ReportCB(kind="campaign", id=99).pack(), message=chooser)
    assert gone.show_alert and gone.text == t(LANG, "campaign.error.gone")
