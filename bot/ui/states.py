"""FSM states. Kept few and generic: which field is being answered lives in FSM data."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    language = State()
    consent = State()
    role = State()


class Form(StatesGroup):
    answering = State()  # data: role, field, editing
    channel_platform = State()
    channel_url = State()  # data: platform
    channel_audience = State()  # data: platform, url
    channels_menu = State()
    summary = State()


class Review(StatesGroup):
    reason = State()  # data: role, id
