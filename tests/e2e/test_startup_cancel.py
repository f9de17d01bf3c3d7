"""A startup cancels its own request from its /requests card, over the emulator:
what will happen, Keep it / Confirm; its ambassadors (an accepted story, an open
offer) hear, their reminders stop, organizers are told, the card and the list show
it cancelled. Forged and late presses are refused and change nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Html
from bot.reference import label
from bot.ui.callbacks import RequestCB
from sandbox import Emulator, SimMessage, SimUser
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, SECOND_ORGANIZER_ID, RunningBot
from tests.e2e.flows import assert_html, t
from tests.e2e.story_flows import LANG, STORY, A, B, C, seed, submit_pitch
from tests.factories import add_users, approved_startup, open_request

OTHER_FOUNDER = 7_000_000_002
TITLE = Html(
    t(LANG, "request.title", id=1, company="Nông Trại Số", need=label("needs", "media", LANG))
)


async def request_state(
    sessionmaker: async_sessionmaker[AsyncSession], request_id: int
) -> tuple[str, list[tuple[str, list[str]]]]:
    """The request's status, and each assignment's status with its reminders'."""
    async with sessionmaker() as session:
        repos = Repositories.bind(session)
        request = await repos.requests.get(request_id)
        assert request is not None
        out = []
        for a in await repos.assignments.for_request(request_id):
            reminders = await repos.reminders.for_assignment(a.id)
            out.append((a.status, [r.status for r in reminders]))
        return request.status, out


async def open_card(founder: SimUser) -> SimMessage:
    await founder.send("/requests")
    listing = await founder.expect_message()
    await founder.press("#1", message=listing)
    return await founder.expect_edit()


async def test_startup_cancels_its_open_request(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=3)
    founder = world.founder
    lan, minh, hung = (world.ambassadors[k] for k in (A, B, C))
    await submit_pitch(founder, wanted=2)
    offer_lan, offer_minh = await lan.expect_message(), await minh.expect_message()
    await lan.press(t(LANG, "offer.btn.accept"), message=offer_lan)
    await lan.expect_edit()
    await lan.expect_message()  # the full brief
    await founder.expect_message()  # "Lan accepted"
    # Another approved startup, with requests of its own (one already completed).
    async with world.sessionmaker() as session, session.begin():
        repos = Repositories.bind(session)
        await add_users(repos, [OTHER_FOUNDER], running_bot.clock())
        other = await approved_startup(repos, OTHER_FOUNDER, company_name="Khác")
        other_open = await open_request(repos, other, wanted=1)
        other_done = await open_request(repos, other, wanted=1)
        assert await repos.requests.transition(
            other_done, from_statuses=["open"], to_status="completed"
        )
    other_founder = emulator.user(id=OTHER_FOUNDER, first_name="Khác", language_code=LANG)
    await other_founder.send("/start")
    await other_founder.expect_message()
    before = await request_state(world.sessionmaker, 1)
    assert before[0] == "open"
    assert [s for s, _ in before[1]] == ["accepted", "offered"]
    assert "planned" in before[1][0][1]  # Lan's reminders are on their way

    # Forged presses: another startup, an ambassador, this startup on another's
    # request, a completed request. Each refused, nothing changed.
    for who, request_id, code in [
        (other_founder, 1, "error.not_allowed"),
        (hung, 1, "error.not_allowed"),
        (founder, other_open, "error.not_allowed"),
        (other_founder, other_done, "request.error.not_cancellable"),
    ]:
        for action in ("own_cancel", "own_cancel_yes"):
            data = RequestCB(action=action, id=request_id).pack()
            answer = await who.press_data(data, message=who.last_bot_message())
            assert answer.show_alert and answer.text == t(LANG, code), (who.id, action)
    assert await request_state(world.sessionmaker, 1) == before
    assert (await request_state(world.sessionmaker, other_open))[0] == "open"
    assert (await request_state(world.sessionmaker, other_done))[0] == "completed"
    for person in (lan, minh, hung, founder, other_founder):
        await person.expect_silence()

    # The card: Cancel → what happens → Keep it → the card again → Cancel → Confirm.
    card = await open_card(founder)
    assert "Lan" in card.text and t(LANG, "request.btn.cancel_own") in card.button_texts
    await founder.press(t(LANG, "request.btn.cancel_own"), message=card)
    confirm = await founder.expect_edit()
    assert_html(confirm, LANG, "request.cancel_own.confirm", title=TITLE, offers=1, stories=1)
    assert confirm.button_texts == [
        t(LANG, "request.btn.cancel_own_yes"),
        t(LANG, "request.btn.keep"),
    ]
    await founder.press(t(LANG, "request.btn.keep"), message=confirm)
    card = await founder.expect_edit()
    assert "Lan" in card.text and t(LANG, "request.btn.cancel_own") in card.button_texts
    assert await request_state(world.sessionmaker, 1) == before  # kept
    await founder.press(t(LANG, "request.btn.cancel_own"), message=card)
    confirm = await founder.expect_edit()
    answer = await founder.press(t(LANG, "request.btn.cancel_own_yes"), message=confirm)
    assert answer.text == t(LANG, "request.cancelled_toast")
    card = await founder.expect_edit()
    assert t(LANG, "request.status.cancelled") in card.text
    assert t(LANG, "request.btn.cancel_own") not in card.button_texts

    # Both ambassadors hear it from the startup; organizers get a short notice.
    assert_html(await lan.expect_message(), LANG, "request.cancelled.by_startup", title=TITLE)
    assert_html(await minh.expect_message(), LANG, "request.cancelled.by_startup", title=TITLE)
    for org_id in (ORGANIZER_ID, SECOND_ORGANIZER_ID):
        org = emulator.user(id=org_id, first_name="Organizer", language_code=LANG)
        alert = await org.expect_message()
        assert_html(
            alert, LANG, "request.alert.startup_cancelled", title=TITLE, offers=1, stories=1
        )
    await founder.expect_silence()  # the card and the toast told them
    await hung.expect_silence()
    status, assignments = await request_state(world.sessionmaker, 1)
    assert status == "cancelled"
    assert [s for s, _ in assignments] == ["cancelled", "withdrawn"]
    assert assignments[0][1] and set(assignments[0][1]) == {"cancelled"}  # no reminder left

    # /requests lists it as cancelled; Minh's old offer no longer opens.
    await founder.send("/requests")
    listing = await founder.expect_message()
    assert "#1" in listing.text and t(LANG, "request.status.cancelled") in listing.text
    late = await minh.press(t(LANG, "offer.btn.accept"), message=offer_minh)
    assert late.show_alert and late.text == t(LANG, "assignment.error.not_open")
    assert STORY in offer_minh.text

    # The old confirmation pressed again: a clear answer, nobody told twice.
    after = await request_state(world.sessionmaker, 1)
    again = await founder.press_data(
        RequestCB(action="own_cancel_yes", id=1).pack(), message=confirm
    )
    assert again.show_alert and again.text == t(LANG, "request.error.already_cancelled")
    assert await request_state(world.sessionmaker, 1) == after
    for person in (lan, minh, founder):
        await person.expect_silence()
