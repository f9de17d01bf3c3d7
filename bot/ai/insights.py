"""AI for organizers' insight and the needs question (issue #6): policy themes,
needs from a startup's own words, the digest's narrative.

Same rules as ``bot/ai/assist.py`` (whose ``AIAssist`` these functions take): the
handler has already answered and read what the prompt needs; the call runs in the
background (``ai.tasks``, semaphore-limited by ``ai.generate``) with no database
session held; afterwards a short unit of work, if any, and the message. Whatever
goes wrong with the model, the person gets the deterministic result (grouping by
sector, keyword match) with a quiet note, never an error. The digest job awaits its
call directly (it runs outside any update), between its units of work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.ai.assist import AIAssist
from bot.ai.schemas import NeedsSuggestion, PolicyThemes
from bot.jobs import unit_of_work
from bot.provinces import region_label
from bot.reference import codes, label, labels
from bot.services import Services
from bot.services.needs_match import match_needs
from bot.services.policy import PolicyPitch, fallback_themes, themes_from_model
from bot.ui.policy import policy_pages

log = logging.getLogger(__name__)

#: Characters of each pitch's story the policy prompt is given.
STORY_CHARS = 800


# -- policy themes ------------------------------------------------------------------


def policy_variables(pitches: Sequence[PolicyPitch], lang: str) -> dict[str, Any]:
    return {
        "language": lang,
        "pitches": [
            {
                "id": p.id,
                "company": p.company,
                "province": region_label(p.province, lang) if p.province else "",
                "sector": labels("sectors", p.sectors, lang),
                "story": p.story[:STORY_CHARS],
            }
            for p in pitches
        ],
    }


async def send_pages(
    bot: Bot, chat_id: int, pages: Sequence[str], *, edit: int | None = None
) -> None:
    """The first page edits message ``edit`` (the placeholder) if given; the rest follow."""
    for n, page in enumerate(pages):
        if n == 0 and edit is not None:
            await bot.edit_message_text(page, chat_id=chat_id, message_id=edit)
        else:
            await bot.send_message(chat_id, page)


def group_policy(
    ai: AIAssist,
    bot: Bot,
    chat_id: int,
    placeholder_id: int,
    pitches: Sequence[PolicyPitch],
    lang: str,
    *,
    user_id: int,
    days: int | None = None,
) -> None:
    """Ask the model for the themes, later; the placeholder becomes the answer."""
    ai.tasks.spawn(
        _group_policy(ai, bot, chat_id, placeholder_id, list(pitches), lang, user_id, days)
    )


async def _group_policy(
    ai: AIAssist,
    bot: Bot,
    chat_id: int,
    placeholder_id: int,
    pitches: list[PolicyPitch],
    lang: str,
    user_id: int,
    days: int | None,
) -> None:
    t = ai.translator.bind(lang)
    try:
        result = await ai.generate(
            "policy_themes",
            policy_variables(pitches, lang),
            PolicyThemes,
            feature="policy",
            user_id=user_id,
        )
        themes = (
            themes_from_model(result.value, pitches)
            if result.ok and isinstance(result.value, PolicyThemes)
            else []
        )
        if themes:
            pages = policy_pages(themes, pitches, lang, t, generated=True, days=days)
        else:
            pages = policy_pages(
                fallback_themes(pitches),
                pitches,
                lang,
                t,
                generated=False,
                days=days,
                note=t("policy.ai_unavailable"),
            )
        await send_pages(bot, chat_id, pages, edit=placeholder_id)
    except TelegramAPIError as exc:
        log.warning("policy themes not delivered", extra={"error": str(exc)})
    except Exception:
        log.exception("policy themes failed")


# -- needs from free text -------------------------------------------------------------

#: What the registration handler does with the codes: pre-select them through the
#: registration service and show the keyboard. ``source`` is "ai" or "keywords".
ApplyNeeds = Callable[[Services, list[str], str], Awaitable[None]]


def needs_variables(text: str, lang: str) -> dict[str, Any]:
    return {
        "language": lang,
        "text": text,
        "choices": [{"code": c, "label": label("needs", c, lang)} for c in codes("needs")],
    }


def suggest_needs(ai: AIAssist, text: str, lang: str, *, user_id: int, apply: ApplyNeeds) -> None:
    """Suggest needs from ``text`` in the background; ``apply`` runs in a short unit of
    work with the model's codes, or the keyword match when the model failed."""
    ai.tasks.spawn(_suggest_needs(ai, text, lang, user_id, apply))


async def _suggest_needs(
    ai: AIAssist, text: str, lang: str, user_id: int, apply: ApplyNeeds
) -> None:
    try:
        result = await ai.generate(
            "needs", needs_variables(text, lang), NeedsSuggestion, feature="needs", user_id=user_id
        )
        if result.ok and isinstance(result.value, NeedsSuggestion):
            found, source = list(result.value.needs), "ai"
        else:
            found, source = match_needs(text), "keywords"
        async with unit_of_work(ai.sessionmaker, ai.settings, ai.clock) as services:
            await apply(services, found, source)
    except TelegramAPIError as exc:
        log.warning("needs suggestion not delivered", extra={"error": str(exc)})
    except Exception:
        log.exception("needs suggestion failed")


# -- the digest's narrative -----------------------------------------------------------


async def digest_narratives(
    ai: AIAssist | None, numbers: Mapping[str, int], languages: Iterable[str]
) -> dict[str, str]:
    """One short paragraph per language from the digest's numbers; a language whose
    call failed (or every language, with no key) is simply missing."""
    if ai is None or not ai.enabled:
        return {}
    wanted = sorted(set(languages))

    async def one(lang: str) -> tuple[str, str | None]:
        try:
            result = await ai.generate(
                "digest_narrative",
                {"language": lang, "numbers": dict(numbers)},
                None,
                feature="digest",
            )
        except Exception:
            log.exception("digest narrative failed", extra={"language": lang})
            return lang, None
        return lang, result.value if result.ok and isinstance(result.value, str) else None

    done = await asyncio.gather(*(one(lang) for lang in wanted))
    return {lang: text for lang, text in done if text}
