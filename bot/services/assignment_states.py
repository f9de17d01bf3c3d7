"""The assignment state machine: the one place that says which changes are allowed.

An assignment is one ambassador's part in one story request:

    offered ──accept──> accepted ──publish──> published
       │                   │  └──overdue──> overdue ──publish (late)──> published
       ├─decline─> declined │                  └──cancel──> cancelled
       ├─expire──> expired  └──cancel──> cancelled
       └─withdraw> withdrawn

Everything else is refused with ``InvalidTransition`` (a ``Conflict``, so the person
gets a clear answer such as "this offer is no longer open"). Storage applies a
transition as a compare-and-set on the current status, so two presses racing on the
same row cannot both win; this module decides what the new status is.
"""

from __future__ import annotations

from enum import StrEnum

from bot.errors import Conflict


class Status(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    PUBLISHED = "published"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class Event(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"
    MARK_OVERDUE = "mark_overdue"
    CANCEL = "cancel"


TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (Status.OFFERED, Event.ACCEPT): Status.ACCEPTED,
    (Status.OFFERED, Event.DECLINE): Status.DECLINED,
    (Status.OFFERED, Event.EXPIRE): Status.EXPIRED,
    (Status.OFFERED, Event.WITHDRAW): Status.WITHDRAWN,
    (Status.ACCEPTED, Event.PUBLISH): Status.PUBLISHED,
    (Status.ACCEPTED, Event.MARK_OVERDUE): Status.OVERDUE,
    (Status.ACCEPTED, Event.CANCEL): Status.CANCELLED,
    (Status.OVERDUE, Event.PUBLISH): Status.PUBLISHED,
    (Status.OVERDUE, Event.CANCEL): Status.CANCELLED,
}

#: An open offer: the ambassador may still answer it.
OPEN_OFFER = frozenset({Status.OFFERED})
#: Counts against the request's wanted number and the ambassador's capacity.
HOLDS_A_SLOT = frozenset({Status.ACCEPTED, Status.PUBLISHED, Status.OVERDUE})
#: Nothing can happen to it any more.
FINAL = frozenset(set(Status) - {s for s, _ in TRANSITIONS})

#: Why an event is refused in a given status: the message key shown to the person.
_REFUSAL_BY_STATUS: dict[Status, str] = {
    Status.ACCEPTED: "assignment.error.already_accepted",
    Status.DECLINED: "assignment.error.not_open",
    Status.EXPIRED: "assignment.error.not_open",
    Status.WITHDRAWN: "assignment.error.not_open",
    Status.CANCELLED: "assignment.error.cancelled",
    Status.PUBLISHED: "assignment.error.published",
}


class InvalidTransition(Conflict):
    """The event does not apply to the assignment's current status."""

    code = "assignment.error.invalid"

    def __init__(self, status: Status, event: Event) -> None:
        super().__init__(
            _REFUSAL_BY_STATUS.get(status, self.code), status=status.value, event=event.value
        )
        self.status = status
        self.event = event


def next_status(status: Status | str, event: Event | str) -> Status:
    """The status after ``event``, or ``InvalidTransition``."""
    current, happened = Status(status), Event(event)
    try:
        return TRANSITIONS[(current, happened)]
    except KeyError:
        raise InvalidTransition(current, happened) from None


def allowed_events(status: Status | str) -> frozenset[Event]:
    """What may happen next (the buttons a card may show)."""
    current = Status(status)
    return frozenset(e for (s, e) in TRANSITIONS if s is current)
