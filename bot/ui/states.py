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


class PitchForm(StatesGroup):
    answering = State()  # data: request_id, field, editing
    summary = State()  # data: request_id
    reject_reason = State()  # an organizer's reason; data: request_id


class Questions(StatesGroup):
    asking = State()  # an ambassador's question; data: assignment_id
    answering = State()  # the startup's answer; data: assignment_id


class Links(StatesGroup):
    waiting = State()  # the ambassador sends links; data: assignment_id, replaces
    confirming = State()  # the card is shown; data: + card, links, sponsored


class Groups(StatesGroup):
    tags = State()  # an organizer types a group's tags; data: group_id, page


class Broadcasts(StatesGroup):
    composing = State()  # waiting for the message; data: broadcast_id when changing it
    drafting = State()  # the card is shown; data: broadcast_id, album (media_group_id)
    scheduling = State()  # waiting for a typed time; data: broadcast_id


class BriefEdit(StatesGroup):
    typing = State()  # a new value for one field of a suggested brief; data: request_id, field


class Campaigns(StatesGroup):
    name = State()  # an organizer types a new campaign's name
    dates = State()  # then its dates; data: name


class OutcomeNote(StatesGroup):
    typing = State()  # the startup's note on what came of a request; data: request_id
