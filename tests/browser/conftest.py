"""Browser tests of the local sandbox's page: headless Debian chromium (/usr/bin/chromium)
driven by Playwright against a real ``LocalSandbox`` (the emulator, the real bot polling
it, the page) on a temporary database, free ports and a frozen clock.

``.ci/run`` installs chromium; where it is missing these tests are skipped. Screenshots
of each step go to ``tests/artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.clock import ShiftableClock
from bot.i18n import default_translator
from sandbox.local import LocalSandbox
from sandbox.web.strings import DEFAULT_LANG, page_strings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
#: Monday 2 March 2026, 09:00 in Vietnam: inside working hours (no quiet-hours delay).
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: The broadcast sender polls every 5 s: what it sends may take that long to show.
SLOW_MS = 15_000
#: How long clicks, fills and expect() wait for what they look for (a loaded CI machine
#: may be slow; a passing run never waits this long).
ACTION_MS = 10_000
expect.set_options(timeout=ACTION_MS)

TR = default_translator("vi")


def t(lang: str, key: str, **params: Any) -> str:
    return TR.t(lang, key, **params)


def plain(text: str) -> str:
    """A catalogue string as the page shows it: no tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def first_line(lang: str, key: str, **params: Any) -> str:
    return plain(t(lang, key, **params)).strip().splitlines()[0].strip()


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[LocalSandbox]:
    box = LocalSandbox(
        tmp_path / "sandbox.db",
        port=0,
        fresh=True,
        clock=ShiftableClock(START),
        out=lambda line: None,
    )
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        await launched.close()


class ChatPage:
    """The sandbox page as a person uses it: clicks, typing, what they see. The page's
    own labels are looked up in the page's language (``ui``), as a person reads them."""

    def __init__(self, page: Page, name: str, lang: str = DEFAULT_LANG) -> None:
        self.page = page
        self.name = name
        self.lang = lang
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )

    def ui(self, key: str, **params: Any) -> str:
        """One of the page's own texts (``sandbox.page.*``...) in the page's language."""
        value = page_strings(self.lang)[key]
        return value.format(**params) if params else value

    @property
    def textbox(self) -> Locator:
        return self.page.get_by_role("textbox", name=self.ui("sandbox.page.message"))

    def nav(self, key: str) -> Locator:
        return self.page.get_by_role("navigation", name=self.ui(key), exact=True)

    async def switch_language(self, lang: str) -> None:
        """The header's language switch: the page reloads in ``lang``."""
        switch = self.page.get_by_role("group", name=self.ui("sandbox.page.page_language"))
        names = {"vi": "Tiếng Việt", "en": "English"}
        await switch.get_by_role("link", name=names[lang], exact=True).click()
        await expect(self.page.locator("html")).to_have_attribute("lang", lang)
        self.lang = lang
        await expect(self.textbox).to_be_visible()

    @property
    def log(self) -> Locator:
        return self.page.locator("#log")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator("#log .msg--bot")

    def last_bot(self) -> Locator:
        return self.bot_messages.last

    async def shot(self, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        await self.page.screenshot(path=str(path))
        return path

    async def type_and_send(self, text: str) -> None:
        box = self.textbox
        await box.fill(text)
        await box.press("Enter")
        await expect(box).to_have_value("")

    async def expect_bot(self, text: str) -> Locator:
        """The newest bot message shows ``text``."""
        last = self.last_bot()
        await expect(last).to_contain_text(text)
        return last

    def button(self, text: str, within: Locator | None = None, *, exact: bool = True) -> Locator:
        """The inline button with this text (or containing it), on the newest message
        offering it."""
        scope = within if within is not None else self.log
        return scope.locator(".kb-btn").filter(has_text=exactly(text) if exact else text).last

    async def press(self, text: str, within: Locator | None = None, *, exact: bool = True) -> None:
        await self.button(text, within, exact=exact).click()

    async def toggle(self, text: str) -> None:
        """A multi-choice button: pressed, it comes back ticked (the message is edited)."""
        await self.press(text)
        ticked = (
            self.log.locator(".kb-btn").filter(has_text=re.compile(r"✅")).filter(has_text=text)
        )
        await expect(ticked.last).to_be_visible()

    async def open_persona(self, name: str) -> None:
        link = self.nav("sandbox.page.personas").get_by_role(
            "link", name=re.compile(re.escape(name))
        )
        await link.click()
        await expect(link).to_have_attribute("aria-current", "true")

    async def open_chat(self, title: str) -> None:
        link = self.nav("sandbox.page.chats").get_by_role("link", name=re.compile(re.escape(title)))
        await link.click()
        await expect(self.page.locator("#chat-title")).to_have_text(title)


@pytest.fixture
async def open_page(
    browser: Browser, sandbox: LocalSandbox, request: pytest.FixtureRequest
) -> AsyncIterator[Any]:
    """``await open_page(persona=..., viewport=..., lang=...)`` -> a ChatPage on the
    sandbox (in the page's default language, Vietnamese, unless ``lang`` is given)."""
    contexts = []
    pages: list[ChatPage] = []

    async def opener(
        persona: int | None = None,
        viewport: dict[str, int] | None = None,
        lang: str | None = None,
    ) -> ChatPage:
        context = await browser.new_context(
            viewport=viewport or DESKTOP, reduced_motion="reduce", locale="en-GB"
        )
        contexts.append(context)
        context.set_default_timeout(ACTION_MS)
        page = await context.new_page()
        chat = ChatPage(page, request.node.name, lang or DEFAULT_LANG)
        pages.append(chat)
        query = {"persona": persona, "lang": lang}
        shown = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
        await page.goto(f"{sandbox.url}?{shown}" if shown else sandbox.url)
        await expect(page.locator("#persona-list a").first).to_be_attached()
        await expect(chat.textbox).to_be_visible()
        return chat

    yield opener
    for chat in pages:  # how the page looked at the end (a failure's last state)
        await chat.shot("last")
    for context in contexts:
        await context.close()
    for chat in pages:
        assert not chat.errors, chat.errors
