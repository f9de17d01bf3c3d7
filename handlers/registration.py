"""The registration conversation: one generic walk over ``bot.services.forms``.

``ask_field`` asks a question, the handlers below take the answer (typed text or
a button), the service validates and saves it, and ``advance`` moves to the next
unanswered field, or back to the summary card when a field was being edited.
The steps it shares with /pitch (stale-button checks, refusals, replies) are in
``handlers/form_walk.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.ai.assist import AIAssist
from bot.ai.insights import suggest_needs
from bot.errors import InvalidInput
from bot.filters import PrivateChat, TextAnswer
from bot.i18n import Translator, escape
from bot.notifications import notify_organizers_of_submission
from bot.provinces import region_label
from bot.reference import platform as get_platform
from bot.reference import taxonomy
from bot.services import Services
from bot.services.forms import (
    MAX_CHANNELS,
    FormField,
    Kind,
    Profile,
    can_skip,
    get_field,
    next_field,
)
from bot.services.needs_match import match_needs
from bot.services.registration import RegistrationService, SaveResult
from bot.ui.callbacks import ChannelCB, FormCB
from bot.ui.cards import QUESTIONS, channel_line, display_value, error_message, profile_card
from bot.ui.keyboards import (
    channels_menu_kb,
    choice_kb,
    no_url_kb,
    platforms_kb,
    profile_kb,
    province_kb,
    skip_kb,
    taxonomy_items,
)
from bot.ui.states import Form
from handlers.form_walk import (
    Asked,
    FormWalk,
    mark_answer,
    not_text,
    regions_now,
    typed,
    use_buttons,
)
from storage.dto import AmbassadorDTO

T = Callable[..., str]


TEXT_KINDS = {Kind.TEXT, Kind.LONGTEXT, Kind.URL, Kind.PHONE, Kind.EMAIL, Kind.NUMBER}


# --- asking -------------------------------------------------------------------


def field_keyboard(
    profile: Profile, field: FormField, lang: str, t: T
) -> InlineKeyboardMarkup | None:
    value = getattr(profile, field.name, None)
    if field.kind in (Kind.SINGLE, Kind.MULTI) and field.taxonomy:
        items = taxonomy_items(field.taxonomy, taxonomy().items(field.taxonomy), lang)
        selected = value if isinstance(value, tuple) else ((value,) if value else ())
        return choice_kb(field, items, selected=selected, multi=field.kind is Kind.MULTI, t=t)
    if field.kind in (Kind.PROVINCE, Kind.REGIONS):
        selected = value if isinstance(value, tuple) else ((value,) if value else ())
        return province_kb(field, lang, selected, t)
    if can_skip(profile, field):
        return skip_kb(field, t)
    return None


def question_text(profile: Profile, field: FormField, lang: str, t: T, *, editing: bool) -> str:
    text = t(QUESTIONS[field.name])
    if field.name == "email" and not can_skip(profile, field):
        text += "\n" + t("ask.email_required")
    if editing and field.kind in TEXT_KINDS:
        text += "\n\n" + t("reg.current_value", value=display_value(profile, field, lang, t))
    return text


async def ask_field(
    bot: Bot,
    chat_id: int,
    role: str,
    profile: Profile,
    field: FormField,
    *,
    lang: str,
    t: T,
    state: FSMContext,
    editing: bool = False,
) -> None:
    await state.update_data(role=role, field=field.name, editing=editing)
    if field.kind is Kind.CHANNELS:
        assert isinstance(profile, AmbassadorDTO)
        if profile.channels:
            await show_channels_menu(bot, chat_id, profile, t=t, lang=lang, state=state)
        else:
            await ask_platform(bot, chat_id, lang=lang, t=t, state=state)
        return
    await state.set_state(Form.answering)
    await bot.send_message(
        chat_id,
        question_text(profile, field, lang, t, editing=editing),
        reply_markup=field_keyboard(profile, field, lang, t),
    )


async def show_summary(
    bot: Bot, chat_id: int, role: str, profile: Profile, *, lang: str, t: T, state: FSMContext
) -> None:
    await state.set_state(Form.summary)
    await state.update_data(role=role, field=None, editing=False)
    await bot.send_message(
        chat_id, profile_card(role, profile, lang, t), reply_markup=profile_kb(profile.status, t)
    )


async def advance(
    bot: Bot,
    chat_id: int,
    role: str,
    profile: Profile,
    *,
    lang: str,
    t: T,
    state: FSMContext,
    editing: bool,
) -> None:
    """Next unanswered field, or the summary card (also after editing one field)."""
    nxt = None if editing else next_field(profile, role)
    if nxt is None:
        if profile.status == "draft" and next_field(profile, role) is None and not editing:
            await bot.send_message(chat_id, t("reg.review_and_submit"))
        await show_summary(bot, chat_id, role, profile, lang=lang, t=t, state=state)
        return
    await ask_field(bot, chat_id, role, profile, nxt, lang=lang, t=t, state=state)


async def resume(
    bot: Bot, chat_id: int, role: str, profile: Profile, *, lang: str, t: T, state: FSMContext
) -> None:
    """Continue a registration where it stopped (after /cancel, /start or a restart)."""
    await advance(bot, chat_id, role, profile, lang=lang, t=t, state=state, editing=False)


async def after_save(
    bot: Bot,
    chat_id: int,
    asked: Asked[str],
    result: SaveResult,
    *,
    lang: str,
    t: T,
    state: FSMContext,
    services: Services,
    translator: Translator,
) -> None:
    role = asked.key
    if result.back_to_review:
        await bot.send_message(chat_id, t("reg.back_to_review"))
        await notify_organizers_of_submission(
            bot, services, translator, role, result.profile, (asked.field.name,)
        )
    await advance(
        bot, chat_id, role, result.profile, lang=lang, t=t, state=state, editing=asked.editing
    )


async def ask_platform(bot: Bot, chat_id: int, *, lang: str, t: T, state: FSMContext) -> None:
    await state.set_state(Form.channel_platform)
    items = taxonomy_items("platforms", taxonomy().platforms, lang)
    await bot.send_message(chat_id, t("ask.channel_platform"), reply_markup=platforms_kb(items))


async def show_channels_menu(
    bot: Bot, chat_id: int, profile: AmbassadorDTO, *, lang: str, t: T, state: FSMContext
) -> None:
    await state.set_state(Form.channels_menu)
    lines = [t("reg.channels_list")]
    lines += [f"{n}. {channel_line(c, lang)}" for n, c in enumerate(profile.channels, 1)]
    await bot.send_message(
        chat_id,
        "\n".join(lines),
        reply_markup=channels_menu_kb(
            profile.channels, t, can_add=len(profile.channels) < MAX_CHANNELS
        ),
    )


WALK: FormWalk[str] = FormWalk(
    answering=Form.answering,
    key_name="role",
    valid_key=lambda role: role in ("startup", "ambassador"),
    get_field=get_field,
)


# --- typed answers --------------------------------------------------------------


async def on_text_answer(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    ai: AIAssist,
    lang: str,
    t: T,
) -> None:
    assert message.from_user and message.text is not None
    asked = await WALK.asked(state)
    role, field, uid = asked.key, asked.field, message.from_user.id
    if field.taxonomy == "needs":
        await needs_from_text(message, bot, state, services, ai, role, field, lang, t)
        return
    if field.kind in (Kind.SINGLE, Kind.MULTI):
        profile = await services.registration.get(uid, role)
        await use_buttons(message, t, field_keyboard(profile, field, lang, t))
        return
    save = services.registration.answer_text(uid, role, field.name, message.text)
    result = await typed(message, save, lang, t)
    if result is None:
        return
    if field.kind is Kind.REGIONS:
        assert isinstance(result.profile, AmbassadorDTO)
        regions = ", ".join(region_label(c, lang) for c in result.profile.regions)
        await regions_now(message, t, regions, field_keyboard(result.profile, field, lang, t))
        return
    await after_save(
        bot,
        message.chat.id,
        asked,
        result,
        lang=lang,
        t=t,
        state=state,
        services=services,
        translator=translator,
    )


async def needs_from_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    ai: AIAssist,
    role: str,
    field: FormField,
    lang: str,
    t: T,
) -> None:
    """Needs typed in the startup's own words: the matching items are pre-selected
    (with AI in the background, else by keywords at once); the person confirms."""
    assert message.from_user and message.text is not None
    uid = message.from_user.id
    if not ai.enabled:
        found = match_needs(message.text)
        await preselect_needs(bot, uid, None, services, state, role, field, lang, t, found=found)
        return
    wait = await message.answer(t("needs.matching"))

    async def apply(later: Services, found: list[str], source: str) -> None:
        await preselect_needs(
            bot,
            uid,
            wait.message_id,
            later,
            state,
            role,
            field,
            lang,
            t,
            found=found,
            quiet=source != "ai",
        )

    suggest_needs(ai, message.text, lang, user_id=uid, apply=apply)


async def preselect_needs(
    bot: Bot,
    user_id: int,
    edit: int | None,
    services: Services,
    state: FSMContext,
    role: str,
    field: FormField,
    lang: str,
    t: T,
    *,
    found: list[str],
    quiet: bool = False,
) -> None:
    """Select ``found`` through the service (as the toggle buttons do), then show the
    keyboard: in a new message, or in the placeholder ``edit`` (private chat: the
    chat id is the person's id)."""
    data = await state.get_data()
    if await state.get_state() != Form.answering.state or data.get("field") != field.name:
        if edit is not None:  # answered meanwhile (buttons, /cancel): nothing changes
            await bot.edit_message_text(t("needs.moved_on"), chat_id=user_id, message_id=edit)
        return
    registration = services.registration
    profile = await registration.get(user_id, role)
    for code in found:
        if code not in getattr(profile, field.name):
            profile = (await registration.toggle(user_id, role, field.name, code)).profile
    lines = [t(QUESTIONS[field.name]), ""]
    lines.append(t("needs.suggested" if found else "needs.no_match"))
    if quiet:
        lines.append(t("needs.ai_unavailable"))
    markup = field_keyboard(profile, field, lang, t)
    if edit is None:
        await bot.send_message(user_id, "\n".join(lines), reply_markup=markup)
    else:
        await bot.edit_message_text(
            "\n".join(lines), chat_id=user_id, message_id=edit, reply_markup=markup
        )


async def on_non_text_answer(message: Message, state: FSMContext, t: T) -> None:
    """A sticker, photo, voice... where text was expected, or an unknown /command."""
    asked = await WALK.asked(state)
    await not_text(message, t, text_expected=asked.field.kind in TEXT_KINDS)


# --- buttons ----------------------------------------------------------------------


async def _save_button(
    registration: RegistrationService, uid: int, asked: Asked[str], cb: FormCB
) -> SaveResult:
    """The service call for a pick / toggle / done / skip button."""
    role, name = asked.key, asked.field.name
    if cb.action == "pick":
        return await registration.pick(uid, role, name, cb.value)
    if cb.action == "toggle":
        return await registration.toggle(uid, role, name, cb.value)
    if cb.action == "done":  # nothing is saved: the selection is checked and kept
        return SaveResult(await registration.finish_multi(uid, role, name))
    if cb.action == "skip":
        return await registration.skip(uid, role, name)
    raise InvalidInput("error.stale_button")


async def on_button(
    callback: CallbackQuery,
    callback_data: FormCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    """pick / toggle / done / skip on the field being asked."""
    uid, registration = callback.from_user.id, services.registration
    answered = await WALK.press(
        callback,
        callback_data,
        state,
        lang,
        t,
        save=lambda asked: _save_button(registration, uid, asked, callback_data),
        keyboard=lambda asked, result: field_keyboard(result.profile, asked.field, lang, t),
        shown=lambda asked, result: display_value(result.profile, asked.field, lang, t),
    )
    if answered is None:
        return
    asked, result = answered
    await after_save(
        bot,
        uid,
        asked,
        result,
        lang=lang,
        t=t,
        state=state,
        services=services,
        translator=translator,
    )


# --- ambassador channels -------------------------------------------------------------


async def on_channel_platform(
    callback: CallbackQuery, callback_data: ChannelCB, state: FSMContext, lang: str, t: T
) -> None:
    platform = get_platform(callback_data.value)
    if platform is None:
        await callback.answer(t("error.stale_button"), show_alert=True)
        return
    await callback.answer()
    await state.update_data(platform=platform.code)
    await state.set_state(Form.channel_url)
    await mark_answer(callback, escape(platform.label(lang)))
    if isinstance(callback.message, Message):
        await callback.message.answer(
            t("ask.channel_url", platform=platform.label(lang)),
            reply_markup=None if platform.profile_url_required else no_url_kb(t),
        )


async def _ask_audience(message: Message, state: FSMContext, t: T, url: str | None) -> None:
    await state.update_data(url=url)
    await state.set_state(Form.channel_audience)
    await message.answer(t("ask.channel_audience"))


async def on_channel_url(
    message: Message, state: FSMContext, services: Services, lang: str, t: T
) -> None:
    assert message.text is not None
    platform = (await state.get_data()).get("platform", "")
    try:
        url = services.registration.check_channel_url(platform, message.text)
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    await _ask_audience(message, state, t, url)


async def on_channel_no_url(callback: CallbackQuery, state: FSMContext, t: T) -> None:
    platform = get_platform((await state.get_data()).get("platform", ""))
    if platform is None or platform.profile_url_required:
        await callback.answer(t("error.cannot_skip"), show_alert=True)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
        await _ask_audience(callback.message, state, t, None)


async def on_channel_audience(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    assert message.from_user and message.text is not None
    data = await state.get_data()
    try:
        result = await services.registration.add_channel(
            message.from_user.id,
            platform=data.get("platform", ""),
            url=data.get("url"),
            audience_text=message.text,
        )
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        if exc.code in ("error.channel_duplicate", "error.too_many_channels"):
            profile = await services.registration.get(message.from_user.id, "ambassador")
            assert isinstance(profile, AmbassadorDTO)
            await show_channels_menu(bot, message.chat.id, profile, lang=lang, t=t, state=state)
        return
    if result.back_to_review:
        await message.answer(t("reg.back_to_review"))
        await notify_organizers_of_submission(
            bot, services, translator, "ambassador", result.profile, ("channels",)
        )
    assert isinstance(result.profile, AmbassadorDTO)
    await show_channels_menu(bot, message.chat.id, result.profile, lang=lang, t=t, state=state)


async def on_channel_non_text(message: Message, t: T) -> None:
    await not_text(message, t, text_expected=True)


async def on_buttons_expected(message: Message, t: T) -> None:
    await not_text(message, t, text_expected=False)


async def on_channel_add(
    callback: CallbackQuery, bot: Bot, state: FSMContext, lang: str, t: T
) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    await ask_platform(bot, callback.from_user.id, lang=lang, t=t, state=state)


async def on_channel_remove(
    callback: CallbackQuery,
    callback_data: ChannelCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    if not callback_data.value.isdigit():
        await callback.answer(t("error.stale_button"), show_alert=True)
        return
    try:
        result = await services.registration.remove_channel(
            callback.from_user.id, int(callback_data.value)
        )
    except InvalidInput as exc:
        await callback.answer(error_message(t, lang, exc), show_alert=True)
        return
    await callback.answer(t("reg.channel_removed"))
    if isinstance(callback.message, Message):
        await callback.message.delete()
    if result.back_to_review:
        await bot.send_message(callback.from_user.id, t("reg.back_to_review"))
        await notify_organizers_of_submission(
            bot, services, translator, "ambassador", result.profile, ("channels",)
        )
    profile = result.profile
    assert isinstance(profile, AmbassadorDTO)
    if profile.channels:
        await show_channels_menu(bot, callback.from_user.id, profile, lang=lang, t=t, state=state)
    else:
        await ask_platform(bot, callback.from_user.id, lang=lang, t=t, state=state)


async def on_channels_done(
    callback: CallbackQuery, bot: Bot, state: FSMContext, services: Services, lang: str, t: T
) -> None:
    try:
        profile = await services.registration.finish_channels(callback.from_user.id)
    except InvalidInput as exc:
        await callback.answer(error_message(t, lang, exc), show_alert=True)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    editing = bool((await state.get_data()).get("editing"))
    await advance(
        bot,
        callback.from_user.id,
        "ambassador",
        profile,
        lang=lang,
        t=t,
        state=state,
        editing=editing,
    )


async def on_stale_form_button(callback: CallbackQuery, t: T) -> None:
    """A button from a question that is no longer being asked."""
    await callback.answer(t("error.stale_button"), show_alert=True)


def build_router() -> Router:
    """A fresh router for the registration conversation."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    answering, summary = StateFilter(Form.answering), StateFilter(Form.summary)
    platform, url = StateFilter(Form.channel_platform), StateFilter(Form.channel_url)
    audience, channels = StateFilter(Form.channel_audience), StateFilter(Form.channels_menu)
    text = TextAnswer()

    def form_button(action: str) -> CallbackQueryFilter:
        return FormCB.filter(F.action == action)

    def channel_button(action: str) -> CallbackQueryFilter:
        return ChannelCB.filter(F.action == action)

    router.message.register(on_text_answer, answering, text)
    router.message.register(on_non_text_answer, answering)
    router.callback_query.register(on_button, form_button("pick"))
    router.callback_query.register(on_button, form_button("toggle"))
    router.callback_query.register(on_button, form_button("done"))
    router.callback_query.register(on_button, form_button("skip"))
    router.callback_query.register(on_channel_platform, platform, channel_button("platform"))
    router.message.register(on_channel_url, url, text)
    router.callback_query.register(on_channel_no_url, url, channel_button("nourl"))
    router.message.register(on_channel_audience, audience, text)
    router.message.register(on_channel_non_text, url)
    router.message.register(on_channel_non_text, audience)
    router.message.register(on_buttons_expected, platform)
    router.message.register(on_buttons_expected, channels)
    router.message.register(on_buttons_expected, summary)
    router.callback_query.register(on_channel_add, channels, channel_button("add"))
    router.callback_query.register(on_channel_remove, channels, channel_button("remove"))
    router.callback_query.register(on_channels_done, channels, channel_button("done"))
    router.callback_query.register(on_stale_form_button, ChannelCB.filter())
    router.callback_query.register(on_stale_form_button, FormCB.filter())
    return router
