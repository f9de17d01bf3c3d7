"""The translation keys of stored status and reason codes, in one place.

Cards, lists, reports and the XLSX/CSV exports all show a status the same way, so
the maps live here (no aiogram import: services read them too). An unknown code is
shown as it is by the callers.
"""

from __future__ import annotations

PROFILE_STATUS_KEYS = {
    "draft": "status.draft",
    "pending": "status.pending",
    "approved": "status.approved",
    "rejected": "status.rejected",
}
REQUEST_STATUS_KEYS = {
    "draft": "request.status.draft",
    "pending": "request.status.pending",
    "open": "request.status.open",
    "filled": "request.status.filled",
    "completed": "request.status.completed",
    "rejected": "request.status.rejected",
    "cancelled": "request.status.cancelled",
}
ASSIGNMENT_STATUS_KEYS = {
    "offered": "assignment.status.offered",
    "accepted": "assignment.status.accepted",
    "declined": "assignment.status.declined",
    "expired": "assignment.status.expired",
    "withdrawn": "assignment.status.withdrawn",
    "published": "assignment.status.published",
    "overdue": "assignment.status.overdue",
    "cancelled": "assignment.status.cancelled",
}
#: Reasons an ambassador gives when declining an offer (the buttons).
DECLINE_REASON_KEYS = {
    "no_time": "offer.reason.no_time",
    "not_my_topic": "offer.reason.not_my_topic",
    "other": "offer.reason.other",
}
#: Every stored ``decline_reason``: the buttons' reasons, and "released" for a story
#: given back after accepting.
STORED_DECLINE_REASON_KEYS = {**DECLINE_REASON_KEYS, "released": "export.reason.released"}
BROADCAST_STATUS_KEYS = {
    "draft": "broadcast.status.draft",
    "scheduled": "broadcast.status.scheduled",
    "sending": "broadcast.status.sending",
    "done": "broadcast.status.done",
    "stopped": "broadcast.status.stopped",
    "cancelled": "broadcast.status.cancelled",
}
#: What came of a request (the outcome question's toggles, in button order).
OUTCOME_KIND_KEYS = {
    "investor": "outcome.kind.investor",
    "partner": "outcome.kind.partner",
    "customers": "outcome.kind.customers",
    "policy": "outcome.kind.policy",
    "media": "outcome.kind.media",
    "nothing": "outcome.kind.nothing",
}
