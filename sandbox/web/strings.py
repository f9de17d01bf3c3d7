"""The sandbox page's own words (its chrome, not the bot's messages), in vi and en.

Every text comes from the project's catalogs (``bot/locales``) under ``sandbox.*``. The
page's language is chosen in its header and kept in the URL (``?lang=vi|en``, default
Vietnamese, the product's primary language); the API takes the same parameter for the
errors it returns. ``page_strings`` is what the template and the script get: the
template through placeholders, ``static/app.js`` as JSON in the page.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import default_translator

LANGUAGES = ("vi", "en")
DEFAULT_LANG = "vi"

#: Everything the page shows by itself: the template's labels and the script's texts.
PAGE_KEYS = (
    "sandbox.page.brand",
    "sandbox.page.skip",
    "sandbox.page.menu",
    "sandbox.page.page_language",
    "sandbox.page.clock",
    "sandbox.page.bot_time",
    "sandbox.page.jump_hour",
    "sandbox.page.jump_day",
    "sandbox.page.personas",
    "sandbox.page.new_person",
    "sandbox.page.name",
    "sandbox.page.name_example",
    "sandbox.page.language",
    "sandbox.page.add_person",
    "sandbox.page.chats",
    "sandbox.page.groups",
    "sandbox.page.group_title",
    "sandbox.page.group_title_example",
    "sandbox.page.create_group",
    "sandbox.page.group",
    "sandbox.page.add_me",
    "sandbox.page.add_member",
    "sandbox.page.add",
    "sandbox.page.bot_in_group",
    "sandbox.page.add_bot",
    "sandbox.page.add_bot_admin",
    "sandbox.page.remove_bot",
    "sandbox.page.migrate",
    "sandbox.page.chat",
    "sandbox.page.as",
    "sandbox.page.messages",
    "sandbox.page.empty",
    "sandbox.page.start",
    "sandbox.page.commands",
    "sandbox.page.attach",
    "sandbox.page.message",
    "sandbox.page.placeholder",
    "sandbox.page.send",
    "sandbox.page.reply_keyboard",
    "sandbox.page.ok",
    # used by the script
    "sandbox.page.unread",
    "sandbox.page.deleted_message",
    "sandbox.page.clock_ahead",
    "sandbox.page.clock_ahead_hours",
    "sandbox.page.clock_not_moved",
    "sandbox.page.clock_moved",
    "sandbox.page.no_groups",
    "sandbox.page.groups_hint",
    "sandbox.page.group_info",
    "sandbox.page.nobody",
)

#: A persona's role, a chat's type and the bot's status in a group, as shown.
ROLE_KEYS = {
    "organizer": "sandbox.role.organizer",
    "demo-startup": "sandbox.role.demo_startup",
    "demo-ambassador": "sandbox.role.demo_ambassador",
}
CHAT_TYPE_KEYS = {
    "private": "sandbox.chat_type.private",
    "group": "sandbox.chat_type.group",
    "supergroup": "sandbox.chat_type.supergroup",
}
BOT_STATUS_KEYS = {
    "none": "sandbox.bot_status.none",
    "member": "sandbox.bot_status.member",
    "administrator": "sandbox.bot_status.administrator",
    "left": "sandbox.bot_status.left",
    "kicked": "sandbox.bot_status.kicked",
}
ALL_PAGE_KEYS = (
    *PAGE_KEYS,
    *ROLE_KEYS.values(),
    *CHAT_TYPE_KEYS.values(),
    *BOT_STATUS_KEYS.values(),
)


def page_lang(value: object) -> str:
    """The page language a request asked for (``?lang=``); Vietnamese otherwise."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANG


def text(lang: str, key: str, /, **params: Any) -> str:
    """Plain text (not HTML-escaped: the caller escapes it where it goes into HTML)."""
    raw = default_translator(DEFAULT_LANG).t(page_lang(lang), key)
    return raw.format(**params) if params else raw


def label(lang: str, keys: dict[str, str], value: str) -> str:
    """A role, chat type or bot status in the page's language (unknown ones as they are)."""
    key = keys.get(value)
    return text(lang, key) if key else value


def page_strings(lang: str) -> dict[str, str]:
    """Every text the page's template and script use, by key, in ``lang``."""
    return {key: text(lang, key) for key in ALL_PAGE_KEYS}
