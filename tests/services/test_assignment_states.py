"""The assignment state machine: allowed transitions, refusals, and random event sequences."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import Conflict
from bot.services.assignment_states import (
    FINAL,
    HOLDS_A_SLOT,
    TRANSITIONS,
    Event,
    InvalidTransition,
    Status,
    allowed_events,
    next_status,
)


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        ("offered", "accept", "accepted"),
        ("offered", "decline", "declined"),
        ("offered", "expire", "expired"),
        ("offered", "withdraw", "withdrawn"),
        ("accepted", "publish", "published"),
        ("accepted", "mark_overdue", "overdue"),
        ("accepted", "cancel", "cancelled"),
        ("overdue", "publish", "published"),
        ("overdue", "cancel", "cancelled"),
    ],
)
def test_allowed(status: str, event: str, expected: str) -> None:
    assert next_status(status, event) == Status(expected)


@pytest.mark.parametrize(
    ("status", "event", "code"),
    [
        ("expired", "accept", "assignment.error.not_open"),
        ("withdrawn", "accept", "assignment.error.not_open"),
        ("declined", "accept", "assignment.error.not_open"),
        ("accepted", "accept", "assignment.error.already_accepted"),
        ("accepted", "decline", "assignment.error.already_accepted"),
        ("published", "publish", "assignment.error.published"),
        ("cancelled", "publish", "assignment.error.cancelled"),
        ("offered", "publish", "assignment.error.invalid"),
    ],
)
def test_refused_with_a_clear_message(status: str, event: str, code: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        next_status(status, event)
    assert isinstance(caught.value, Conflict)
    assert caught.value.code == code


def test_final_states_and_slots() -> None:
    assert {
        Status.DECLINED,
        Status.EXPIRED,
        Status.WITHDRAWN,
        Status.PUBLISHED,
        Status.CANCELLED,
    } == FINAL
    assert all(not allowed_events(s) for s in FINAL)
    assert allowed_events("offered") == {Event.ACCEPT, Event.DECLINE, Event.EXPIRE, Event.WITHDRAW}
    assert Status.OFFERED not in HOLDS_A_SLOT


def test_unknown_values_are_refused() -> None:
    with pytest.raises(ValueError, match="teleport"):
        next_status("offered", "teleport")
    with pytest.raises(ValueError, match="lost"):
        next_status("lost", "accept")


@given(st.lists(st.sampled_from(list(Event)), max_size=20))
def test_random_event_sequences_never_reach_an_invalid_state(events: list[Event]) -> None:
    status = Status.OFFERED
    held_slot = False
    for event in events:
        before = status
        try:
            status = next_status(status, event)
        except InvalidTransition:
            assert status == before  # a refusal changes nothing
            assert (before, event) not in TRANSITIONS
            continue
        assert (before, event) in TRANSITIONS
        assert before not in FINAL
        if status in HOLDS_A_SLOT:
            held_slot = True
        # once a slot is held it is only given up by cancelling
        if held_slot and status not in HOLDS_A_SLOT:
            assert status is Status.CANCELLED
    assert status in set(Status)
