"""The local sandbox in a real browser: people click and type in the page while the real
bot answers through the emulator; nothing is called behind the page's back except the
database seeding of the time-jump test.

Screenshots of every step: ``tests/artifacts/browser/<test name>-<step>.png`` (ignored by
git; CI can keep them as artifacts).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Locator, expect

from bot.jobs import unit_of_work
from bot.reference import label
from sandbox.local import LocalSandbox
from sandbox.web.personas import ORGANIZER_ID
from tests.browser.conftest import CHROMIUM, PHONE, SLOW_MS, ChatPage, first_line, t
from tests.factories import approved_ambassador, approved_startup, open_request

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (.ci/run installs chromium)"
    ),
]

ORGANIZER = "Thu Hà"
LANG = "en"  # the new person's language
ORG_LANG = "vi"  # the organizer persona's


async def new_person(chat: ChatPage, name: str, lang: str) -> None:
    """The "New person" form: the page switches to them, in their empty private chat."""
    form = chat.page.get_by_role("group", name=chat.ui("sandbox.page.new_person"))
    await form.get_by_label(chat.ui("sandbox.page.name"), exact=True).fill(name)
    await form.get_by_label(chat.ui("sandbox.page.language"), exact=True).select_option(lang)
    await form.get_by_role("button", name=chat.ui("sandbox.page.add_person")).click()
    current = chat.page.locator("#persona-list a[aria-current]")
    await expect(current).to_contain_text(name)
    await expect(start_button(chat)).to_be_visible()


def start_button(chat: ChatPage) -> Locator:
    return chat.page.get_by_role("button", name=chat.ui("sandbox.page.start"), exact=True)


async def test_a_new_startup_registers_and_the_organizer_approves_it(open_page) -> None:
    """Registration by clicking the bot's buttons and typing answers, approval from
    /pending by the organizer persona; the applicant sees the decision.
    Screenshots: tests/artifacts/browser/test_a_new_startup_registers_*.png"""
    chat: ChatPage = await open_page()
    await new_person(chat, "Minh Anh", LANG)
    await chat.shot("01-new-person")

    await start_button(chat).click()
    await chat.press("🇬🇧 English", exact=False)
    await chat.expect_bot(first_line(LANG, "consent.notice"))
    await chat.press(t(LANG, "consent.accept"))
    await chat.expect_bot(t(LANG, "start.choose_role"))
    await chat.shot("02-choose-role")
    await chat.press(t(LANG, "role.startup"))
    await chat.expect_bot(first_line(LANG, "ask.company_name"))
    await chat.type_and_send("Nông Trại Số")
    await chat.expect_bot(first_line(LANG, "ask.sectors"))
    await chat.toggle(label("sectors", "agritech", LANG))
    await chat.press(t(LANG, "btn.done"))
    await chat.expect_bot(first_line(LANG, "ask.stage"))
    await chat.press(label("stages", "mvp", LANG))
    await chat.expect_bot(first_line(LANG, "ask.province"))
    answers = [
        ("binh duong", "ask.website"),
        ("nongtraiso.vn", "ask.description"),
        ("Cheap soil-moisture sensors for Mekong farmers.", "ask.contact_name"),
        ("Trần Thị An", "ask.phone"),
        ("090 123 4567", "ask.email"),
        ("an@nongtraiso.vn", "ask.needs"),
    ]
    for answer, question in answers:
        await chat.type_and_send(answer)
        await chat.expect_bot(first_line(LANG, question))
    await chat.toggle(label("needs", "media", LANG))
    await chat.shot("03-needs")
    await chat.press(t(LANG, "btn.done"))
    submit = chat.button(t(LANG, "btn.submit"))
    await expect(submit).to_be_visible()
    card = chat.last_bot()
    await expect(card).to_contain_text("Nông Trại Số")
    await expect(card).to_contain_text("+84901234567")
    await chat.shot("04-review-card")
    await submit.click()
    await chat.expect_bot(first_line(LANG, "reg.submitted"))
    await chat.shot("05-submitted")

    # The organizer, switched to in the same page, approves from /pending with the
    # "/" command picker.
    await chat.open_persona(ORGANIZER)
    box = chat.textbox
    await box.fill("/pend")
    picker = chat.page.get_by_role("listbox", name=chat.ui("sandbox.page.commands"))
    await expect(picker.get_by_role("option", name="/pending")).to_be_visible()
    await chat.shot("06-command-picker")
    await box.press("Enter")
    header = first_line(ORG_LANG, "review.pending_header", total=1, shown=1)
    await expect(chat.log.get_by_text(header)).to_be_visible()
    pending = chat.last_bot()
    await expect(pending).to_contain_text("Nông Trại Số")
    await chat.press(t(ORG_LANG, "btn.approve"), within=pending)
    await expect(chat.page.get_by_role("status")).to_have_text(t(ORG_LANG, "review.approved_toast"))
    await expect(pending.locator(".kb-btn")).to_have_count(0)  # edited in place
    await chat.shot("07-approved")

    await chat.open_persona("Minh Anh")
    await chat.expect_bot(first_line(LANG, "decision.approved", role=t(LANG, "role.name.startup")))
    await chat.shot("08-applicant-told")


async def test_a_broadcast_reaches_a_group_created_in_the_page(open_page) -> None:
    """The organizer creates a group, adds the bot and a person, then broadcasts to all
    groups through /broadcast's buttons; the message appears in the group's view.
    Screenshots: tests/artifacts/browser/test_a_broadcast_reaches_*.png"""
    chat: ChatPage = await open_page()
    await new_person(chat, "Lan", "vi")
    await chat.open_persona(ORGANIZER)

    panel = chat.page.locator("#groups-panel")
    await panel.locator("summary").click()
    await panel.get_by_label(chat.ui("sandbox.page.group_title")).fill("Đại sứ Hà Nội")
    await panel.get_by_role("button", name=chat.ui("sandbox.page.create_group")).click()
    await expect(chat.page.locator("#chat-title")).to_have_text("Đại sứ Hà Nội")
    await panel.get_by_role("button", name=chat.ui("sandbox.page.add_bot"), exact=True).click()
    info = chat.page.locator("#group-info")
    await expect(info).to_contain_text(f"bot: {chat.ui('sandbox.bot_status.member')}")
    await panel.get_by_label(chat.ui("sandbox.page.add_member")).select_option(label="Lan")
    await panel.get_by_role("button", name=chat.ui("sandbox.page.add"), exact=True).click()
    await expect(info).to_contain_text("Lan")
    await expect(chat.log.locator(".msg--service").last).to_contain_text("Lan")
    await chat.shot("01-group")

    await chat.open_chat("in2spire (sandbox)")
    await chat.type_and_send("/broadcast")
    await chat.expect_bot(first_line(ORG_LANG, "broadcast.ask.message"))
    text = "Demo day thứ Sáu tại Hà Nội — hẹn gặp các bạn!"
    await chat.type_and_send(text)
    all_groups = t(ORG_LANG, "broadcast.btn.all_groups", count=1)
    await chat.press(all_groups, exact=False)
    await expect(chat.button(all_groups, exact=False)).to_contain_text("☑")  # edited in place
    await chat.shot("02-broadcast-card")
    await chat.press(t(ORG_LANG, "broadcast.btn.send"))
    await chat.press(t(ORG_LANG, "broadcast.btn.go", count=1))
    group_link = chat.nav("sandbox.page.chats").get_by_role(
        "link", name=re.compile("Đại sứ Hà Nội")
    )
    # Sent by the bot's sender pass (it polls every few seconds): an unread badge.
    await expect(group_link.locator(".badge")).to_be_visible(timeout=SLOW_MS)
    await chat.shot("03-progress-and-badge")

    await chat.open_persona("Lan")
    await chat.open_chat("Đại sứ Hà Nội")
    await expect(chat.bot_messages.filter(has_text=text)).to_have_count(1)
    await chat.shot("04-in-the-group")


async def seed_accepted_story(sandbox: LocalSandbox) -> int:
    """An approved ambassador (a new persona, English) who accepted a story due in 30
    hours; the bot planned its reminders. Returns the persona's id."""
    persona = sandbox.personas.create("Lan Review", "en")
    sandbox.user(persona)  # has opened the bot
    assert sandbox.bot is not None and sandbox.bot.engine is not None
    assert sandbox.settings is not None
    from storage.db import create_sessionmaker

    now = sandbox.clock()
    sessionmaker = create_sessionmaker(sandbox.bot.engine)
    async with unit_of_work(sessionmaker, sandbox.settings, sandbox.clock) as services:
        repos = services.offers.repos
        for user_id, lang in ((persona.id, "en"), (700_000_900, "vi")):
            await repos.users.create(
                user_id=user_id,
                language=lang,
                first_name=None,
                username=None,
                consent_version="v1",
                consented_at=now,
            )
        ambassador = await approved_ambassador(
            repos, persona.id, display_name="Lan Review", languages=["vi"], capacity=3
        )
        startup = await approved_startup(
            repos, 700_000_900, company_name="Nông Trại Số", sectors=["agritech"]
        )
        request = await open_request(
            repos,
            startup,
            need="media",
            story="Farmers in Cần Thơ save 30% water with cheap sensors.",
            deadline=now + timedelta(hours=30),
            wanted=1,
        )
        offer = await repos.assignments.offer(
            request_id=request,
            ambassador_id=ambassador,
            score=1.0,
            reasons=[],
            offered_at=now,
            expires_at=now + timedelta(hours=24),
        )
        assert offer is not None
        await services.offers.accept(offer.id, ambassador)
    return persona.id


async def test_plus_one_day_sends_the_due_reminder_live(open_page, sandbox: LocalSandbox) -> None:
    """An accepted story due in 30 hours (seeded through the repositories); "+1 day"
    moves the clock and the reminder appears in the ambassador's open chat.
    Screenshots: tests/artifacts/browser/test_plus_one_day_*.png"""
    persona = await seed_accepted_story(sandbox)
    chat: ChatPage = await open_page(persona=persona)
    await expect(chat.page.locator("#current-persona")).to_have_text("Lan Review")
    clock = chat.page.locator("#clock")
    await expect(clock).to_have_text("02/03/2026 09:00")
    await expect(chat.bot_messages).to_have_count(0)
    await chat.shot("01-before")

    await chat.page.get_by_role("button", name=chat.ui("sandbox.page.jump_day")).click()
    await expect(clock).to_have_text("03/03/2026 09:00")
    reminder = chat.bot_messages.last
    await expect(reminder).to_contain_text("Reminder")
    await expect(reminder).to_contain_text("Nông Trại Số")
    await expect(reminder).to_contain_text("15:00 03/03/2026")  # the deadline, local time
    await expect(chat.button(t(LANG, "reminder.btn.snooze"), within=reminder)).to_be_visible()
    await chat.shot("02-reminder")


async def test_keyboard_only_reaches_people_input_and_buttons(open_page) -> None:
    """Tab alone reaches a persona, the message input and an inline button, and Enter
    on the button presses it."""
    chat: ChatPage = await open_page()
    await chat.type_and_send("/start")
    language = chat.button("🇬🇧 English", exact=False)
    await expect(language).to_be_visible()
    page = chat.page
    await page.reload()  # start from the top of the page, nothing focused
    await expect(language).to_be_visible()
    seen: set[str] = set()
    for _ in range(80):
        await page.keyboard.press("Tab")
        kind = await page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el) return "";
              if (el.matches('#persona-list a')) return 'persona';
              if (el.id === 'text') return 'input';
              if (el.matches('.kb-btn')) return 'kb:' + el.textContent.trim();
              return '';
            }"""
        )
        seen.add(kind)
        if kind.startswith("kb:") and kind.endswith("🇬🇧 English"):
            break
    assert "persona" in seen
    assert any(k.startswith("kb:") and k.endswith("🇬🇧 English") for k in seen), seen
    await chat.shot("01-focus-on-button")
    await page.keyboard.press("Enter")
    await chat.expect_bot(first_line(LANG, "consent.notice"))
    # The message was edited in place: the focus stays in it, not lost to the page.
    await expect(chat.last_bot()).to_be_focused()
    # Onwards from the log, Tab reaches the message input.
    for _ in range(10):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "text":
            seen.add("input")
            break
    assert "input" in seen


async def test_the_chat_is_usable_on_a_phone(open_page) -> None:
    """At 390x844 the lists fold into a drawer; the chat, its buttons and the input fit.
    Screenshots: tests/artifacts/browser/test_the_chat_is_usable_on_a_phone-*.png"""
    chat: ChatPage = await open_page(viewport=PHONE)
    page = chat.page
    await expect(page.locator("#sidebar")).not_to_be_visible()
    await chat.type_and_send("/start")
    english = chat.button("🇬🇧 English", exact=False)
    await expect(english).to_be_in_viewport()
    await expect(chat.textbox).to_be_in_viewport()
    await expect(page.get_by_role("button", name=chat.ui("sandbox.page.send"))).to_be_in_viewport()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing overflows sideways
    await english.click()
    await chat.expect_bot(first_line(LANG, "consent.notice"))
    await chat.shot("01-chat")
    menu = page.get_by_role("button", name=chat.ui("sandbox.page.menu"))
    await menu.click()
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(chat.nav("sandbox.page.personas")).to_be_in_viewport()
    await chat.shot("02-drawer")
    await page.keyboard.press("Escape")
    await expect(page.locator("#sidebar")).not_to_be_visible()
    await menu.click()  # and a tap on the dimmed chat beside the drawer closes it too
    await expect(page.locator("#sidebar")).to_be_visible()
    await page.mouse.click(PHONE["width"] - 10, PHONE["height"] // 2)
    await expect(page.locator("#sidebar")).not_to_be_visible()
    await expect(menu).to_have_attribute("aria-expanded", "false")


async def test_reply_keyboard_and_attachments(open_page, sandbox: LocalSandbox) -> None:
    """A reply keyboard shows under the input and its buttons send their text; a file
    attached with the 📎 button is sent as a document with the typed caption and
    downloads; a photo shows inline. (The bot itself never sends a reply keyboard, so
    the emulator sends one as the bot would.)"""
    chat: ChatPage = await open_page()
    await sandbox.emulator.call(
        "sendMessage",
        chat_id=ORGANIZER_ID,
        text="Pick one",
        reply_markup={"keyboard": [[{"text": "Yes"}, {"text": "No"}]], "resize_keyboard": True},
    )
    keyboard = chat.page.get_by_role("group", name=chat.ui("sandbox.page.reply_keyboard"))
    await expect(keyboard.get_by_role("button")).to_have_count(2)
    await keyboard.get_by_role("button", name="Yes").click()
    own = chat.page.locator("#log .msg--own")
    await expect(own.last).to_contain_text("Yes")

    await chat.textbox.fill("the plan")
    async with chat.page.expect_file_chooser() as chooser:
        await chat.page.get_by_role("button", name=chat.ui("sandbox.page.attach")).click()
    await (await chooser.value).set_files(
        files=[{"name": "plan.txt", "mimeType": "text/plain", "buffer": b"step 1\n"}]
    )
    doc = own.last.locator(".msg__doc")
    await expect(doc).to_contain_text("plan.txt")
    await expect(own.last).to_contain_text("the plan")
    async with chat.page.expect_download() as download:
        await doc.click()
    saved = await (await download.value).path()
    assert saved.read_bytes() == b"step 1\n"
    await chat.shot("01-keyboard-and-document")


async def test_the_page_switches_language_and_keeps_it(open_page) -> None:
    """The header's switch: Vietnamese by default, English and back; the choice stays in
    the URL across persona and chat switches, and the API's errors shown in the page
    come in the chosen language.
    Screenshots: tests/artifacts/browser/test_the_page_switches_language_*.png"""
    chat: ChatPage = await open_page()
    page = chat.page
    html = page.locator("html")
    await expect(html).to_have_attribute("lang", "vi")
    personas = chat.nav("sandbox.page.personas")
    await expect(personas.get_by_role("heading")).to_have_text("Nhân vật")
    await expect(page.get_by_role("button", name="Gửi", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="+1 giờ")).to_be_visible()
    await expect(page.get_by_role("link", name="Tiếng Việt")).to_have_attribute(
        "aria-current", "true"
    )
    await chat.shot("01-vietnamese")

    await chat.switch_language("en")
    assert "lang=en" in page.url
    await expect(chat.nav("sandbox.page.personas").get_by_role("heading")).to_have_text("Personas")
    await expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="+1 hour")).to_be_visible()
    await expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    await expect(page.locator("#current-persona")).to_have_text("Thu Hà")
    await chat.shot("02-english")

    # Persona and chat switches keep the language.
    await new_person(chat, "Lan", "vi")
    assert "lang=en" in page.url
    await chat.open_persona(ORGANIZER)
    panel = page.locator("#groups-panel")
    await panel.locator("summary").click()
    await panel.get_by_label("New group title").fill("Nhóm thử")
    await panel.get_by_role("button", name="Create group").click()
    await expect(page.locator("#chat-title")).to_have_text("Nhóm thử")
    assert "lang=en" in page.url
    await expect(chat.log.locator(".msg--service").last).to_contain_text("created the group")
    await expect(page.locator("#group-info")).to_contain_text("group · bot: not added")

    # An API error, in English: the organizer is already in the group.
    await panel.get_by_label("Add another persona").select_option(label="Thu Hà")
    await panel.get_by_role("button", name="Add", exact=True).click()
    toast = page.get_by_role("status")
    await expect(toast).to_have_text("already a member of the group")
    await chat.shot("03-english-error")

    # Back to Vietnamese, on the same persona and chat.
    await chat.switch_language("vi")
    assert "lang=vi" in page.url
    await expect(page.locator("#chat-title")).to_have_text("Nhóm thử")
    await expect(page.get_by_role("button", name="Gửi", exact=True)).to_be_visible()
    await expect(chat.log.locator(".msg--service").last).to_contain_text("đã tạo nhóm")
    await panel.locator("summary").click()
    await expect(page.locator("#group-info")).to_contain_text("nhóm · bot: chưa thêm")
    await panel.get_by_label("Thêm nhân vật khác").select_option(label="Thu Hà")
    await panel.get_by_role("button", name="Thêm", exact=True).click()
    await expect(toast).to_have_text("Đã là thành viên của nhóm")
    await chat.shot("04-vietnamese-error")
    # The browser logs the two refused calls; nothing else went wrong.
    refused = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert chat.errors == [refused, refused]
    chat.errors.clear()
