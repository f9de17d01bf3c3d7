"""People's rights over their data (issue #7): everything stored about one person, and
its erasure.

What is kept, erased or anonymized per table is listed in docs/architecture.md
("Personal data"). Statements are plain Core, dialect-neutral; nothing here commits.

An erased person's profile moves to a *tombstone* user row (a negative id that is not
derived from the Telegram id: ``-(2 * startup id)`` or ``-(2 * ambassador id + 1)``)
marked ``deleted_at``, and their own user row is deleted: published links and counts
keep their place in reports under an anonymized name, and the person, writing again,
is a new user. Rows that only need *someone* in an id column (a "Got it" press, a
delivery to a private chat) get the tombstone's id, or for a person without a profile
an anonymous one (``ANON_BASE`` minus one of their row ids): counts of people stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AICall,
    Ambassador,
    Assignment,
    Broadcast,
    BroadcastAck,
    BroadcastDelivery,
    Campaign,
    Channel,
    FsmRecord,
    Group,
    Link,
    Organizer,
    OrganizerInvite,
    PostDraft,
    Reminder,
    ReportSubscription,
    RequestOutcome,
    ReviewDecision,
    Startup,
    StoryRequest,
    User,
)

_U: Table = User.__table__  # type: ignore[assignment]
_ORG: Table = Organizer.__table__  # type: ignore[assignment]
_INV: Table = OrganizerInvite.__table__  # type: ignore[assignment]
_S: Table = Startup.__table__  # type: ignore[assignment]
_AMB: Table = Ambassador.__table__  # type: ignore[assignment]
_CH: Table = Channel.__table__  # type: ignore[assignment]
_RD: Table = ReviewDecision.__table__  # type: ignore[assignment]
_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_RM: Table = Reminder.__table__  # type: ignore[assignment]
_L: Table = Link.__table__  # type: ignore[assignment]
_FSM: Table = FsmRecord.__table__  # type: ignore[assignment]
_G: Table = Group.__table__  # type: ignore[assignment]
_B: Table = Broadcast.__table__  # type: ignore[assignment]
_D: Table = BroadcastDelivery.__table__  # type: ignore[assignment]
_ACK: Table = BroadcastAck.__table__  # type: ignore[assignment]
_AI: Table = AICall.__table__  # type: ignore[assignment]
_PD: Table = PostDraft.__table__  # type: ignore[assignment]
_CAMP: Table = Campaign.__table__  # type: ignore[assignment]
_OUT: Table = RequestOutcome.__table__  # type: ignore[assignment]
_SUB: Table = ReportSubscription.__table__  # type: ignore[assignment]

#: Anonymous ids for rows that must keep *an* id (acks, private deliveries): far below
#: Telegram's group ids (about -10^13) and the tombstones (small negatives).
ANON_BASE = -(10**15)

Rows = list[dict[str, Any]]


def tombstone_id(role: str, profile_id: int) -> int:
    """The user id an erased profile moves to: negative, one per profile, never a
    Telegram id (those are positive for people) and not derived from one."""
    return -(2 * profile_id) if role == "startup" else -(2 * profile_id + 1)


def _rows(result: Any) -> Rows:
    return [dict(row._mapping) for row in result]


def fsm_key_is_for(key: str, user_id: int) -> bool:
    """aiogram keys are ``fsm:<bot>:<chat>[:<thread>]:<user>``: this person's chat or
    this person in a group."""
    parts = key.split(":")
    uid = str(user_id)
    return len(parts) >= 4 and (parts[2] == uid or parts[-1] == uid)


class PrivacyRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _all(self, statement: Any) -> Rows:
        return _rows(await self.session.execute(statement))

    # --- export ------------------------------------------------------------------------

    async def user_row(self, user_id: int) -> dict[str, Any] | None:
        rows = await self._all(select(_U).where(_U.c.id == user_id))
        return rows[0] if rows else None

    async def startup_rows(self, user_id: int) -> dict[str, Rows]:
        """A startup's profile, reviews, requests with their outcomes, and the links
        published about them (public; without who published them)."""
        startups = await self._all(select(_S).where(_S.c.user_id == user_id))
        if not startups:
            return {}
        sid = startups[0]["id"]
        requests = await self._all(select(_R).where(_R.c.startup_id == sid).order_by(_R.c.id))
        request_ids = [r["id"] for r in requests]
        assignments = await self._all(
            select(_A.c.request_id, _A.c.status, _A.c.offered_at, _A.c.published_at)
            .where(_A.c.request_id.in_(request_ids))
            .order_by(_A.c.id)
        )
        links = await self._all(
            select(
                _L.c.request_id,
                _L.c.platform,
                _L.c.original_url,
                _L.c.sponsored,
                _L.c.submitted_at,
                _L.c.title,
            )
            .where(_L.c.startup_id == sid)
            .order_by(_L.c.id)
        )
        return {
            "startups": startups,
            "review_decisions": await self._reviews("startup", sid),
            "story_requests": requests,
            "request_outcomes": await self._all(
                select(_OUT).where(_OUT.c.request_id.in_(request_ids)).order_by(_OUT.c.id)
            ),
            "assignments_on_my_requests": assignments,
            "links_about_me": links,
        }

    async def ambassador_rows(self, user_id: int) -> dict[str, Rows]:
        """An ambassador's profile, channels, reviews, assignments, reminders, drafts and
        links."""
        ambassadors = await self._all(select(_AMB).where(_AMB.c.user_id == user_id))
        if not ambassadors:
            return {}
        aid = ambassadors[0]["id"]
        assignments = await self._all(select(_A).where(_A.c.ambassador_id == aid).order_by(_A.c.id))
        ids = [a["id"] for a in assignments]
        return {
            "ambassadors": ambassadors,
            "ambassador_channels": await self._all(
                select(_CH).where(_CH.c.ambassador_id == aid).order_by(_CH.c.id)
            ),
            "review_decisions": await self._reviews("ambassador", aid),
            "assignments": assignments,
            "reminders": await self._all(
                select(_RM).where(_RM.c.assignment_id.in_(ids)).order_by(_RM.c.id)
            ),
            "post_drafts": await self._all(
                select(_PD).where(_PD.c.assignment_id.in_(ids)).order_by(_PD.c.id)
            ),
            "links": await self._all(select(_L).where(_L.c.ambassador_id == aid).order_by(_L.c.id)),
        }

    async def _reviews(self, subject_type: str, subject_id: int) -> Rows:
        """Decisions on the person's profile (the organizer is named by role only)."""
        rd = _RD.c
        return await self._all(
            select(rd.id, rd.decision, rd.reason, rd.changed_fields, rd.created_at)
            .where(rd.subject_type == subject_type, rd.subject_id == subject_id)
            .order_by(rd.id)
        )

    async def other_rows(self, user_id: int) -> dict[str, Rows]:
        """Everything else keyed by the Telegram id: organizer records, groups they added,
        broadcasts they received or acknowledged, AI calls, conversation state."""
        d, ack = _D.c, _ACK.c
        return {
            "organizers": await self._all(select(_ORG).where(_ORG.c.user_id == user_id)),
            "organizer_invites": await self._all(
                select(_INV.c.created_at, _INV.c.expires_at, _INV.c.used_at)
                .where(or_(_INV.c.created_by == user_id, _INV.c.used_by == user_id))
                .order_by(_INV.c.created_at)
            ),
            "report_subscriptions": await self._all(select(_SUB).where(_SUB.c.user_id == user_id)),
            "campaigns_created": await self._all(
                select(_CAMP).where(_CAMP.c.created_by == user_id).order_by(_CAMP.c.id)
            ),
            "broadcasts_created": await self._all(
                select(_B.c.id, _B.c.status, _B.c.content, _B.c.audience, _B.c.created_at)
                .where(_B.c.created_by == user_id)
                .order_by(_B.c.id)
            ),
            "groups_added": await self._all(
                select(_G.c.chat_id, _G.c.title, _G.c.created_at)
                .where(_G.c.added_by == user_id)
                .order_by(_G.c.id)
            ),
            "broadcast_deliveries": await self._all(
                select(d.broadcast_id, d.status, d.sent_at, d.error_reason)
                .where(d.chat_id == user_id, d.kind == "private")
                .order_by(d.id)
            ),
            "broadcast_acks": await self._all(
                select(ack.delivery_id, ack.acked_at).where(ack.user_id == user_id).order_by(ack.id)
            ),
            "ai_calls": await self._all(
                select(
                    _AI.c.feature, _AI.c.prompt_version, _AI.c.status, _AI.c.model, _AI.c.created_at
                )
                .where(_AI.c.user_id == user_id)
                .order_by(_AI.c.id)
            ),
            "fsm_states": await self.fsm_rows(user_id),
        }

    async def fsm_rows(self, user_id: int) -> Rows:
        rows = await self._all(
            select(_FSM.c.key, _FSM.c.state, _FSM.c.data, _FSM.c.updated_at).where(
                _FSM.c.key.contains(str(user_id))
            )
        )
        return [r for r in rows if fsm_key_is_for(r["key"], user_id)]

    # --- erasure -----------------------------------------------------------------------

    async def add_tombstone(self, tomb_id: int, user: dict[str, Any], now: datetime) -> None:
        """The anonymous user row the erased profile moves to (no name, no username;
        blocked so nothing is ever sent to it; consent version kept as the basis on
        which the remaining counts were collected)."""
        await self.session.execute(
            insert(_U).values(
                id=tomb_id,
                language=user["language"],
                first_name=None,
                username=None,
                consent_version=user["consent_version"],
                consented_at=user["consented_at"],
                role=user["role"],
                reminder_mode="normal",
                blocked_at=now,
                deleted_at=now,
                created_at=now,
                updated_at=now,
            )
        )

    async def anonymize_startup(
        self, startup_id: int, *, tomb_id: int, name: str, now: datetime
    ) -> None:
        await self.session.execute(
            update(_S)
            .where(_S.c.id == startup_id)
            .values(
                user_id=tomb_id,
                company_name=name,
                website=None,
                description=None,
                contact_name=None,
                phone=None,
                email=None,
                reject_reason=None,
                updated_at=now,
            )
        )
        request_ids = select(_R.c.id).where(_R.c.startup_id == startup_id).scalar_subquery()
        await self.session.execute(
            update(_R)
            .where(_R.c.startup_id == startup_id)
            .values(story=None, brief=None, reject_reason=None, updated_at=now)
        )
        await self.session.execute(
            update(_OUT).where(_OUT.c.request_id.in_(request_ids)).values(note=None)
        )
        # Drafts written for the startup's stories quote its story and name.
        on_requests = select(_A.c.id).where(_A.c.request_id.in_(request_ids)).scalar_subquery()
        await self.session.execute(delete(_PD).where(_PD.c.assignment_id.in_(on_requests)))
        await self._anonymize_reviews("startup", startup_id)

    async def anonymize_ambassador(
        self, ambassador_id: int, *, tomb_id: int, name: str, now: datetime
    ) -> None:
        await self.session.execute(
            update(_AMB)
            .where(_AMB.c.id == ambassador_id)
            .values(
                user_id=tomb_id,
                display_name=name,
                reject_reason=None,
                paused=True,
                leaderboard=False,
                updated_at=now,
            )
        )
        await self.session.execute(
            update(_CH).where(_CH.c.ambassador_id == ambassador_id).values(url=None)
        )
        own = select(_A.c.id).where(_A.c.ambassador_id == ambassador_id).scalar_subquery()
        await self.session.execute(delete(_PD).where(_PD.c.assignment_id.in_(own)))
        await self.session.execute(
            update(_RM)
            .where(_RM.c.assignment_id.in_(own), _RM.c.status.in_(("planned", "claimed")))
            .values(status="cancelled")
        )
        await self._anonymize_reviews("ambassador", ambassador_id)

    async def _anonymize_reviews(self, subject_type: str, subject_id: int) -> None:
        rd = _RD.c
        await self.session.execute(
            update(_RD)
            .where(rd.subject_type == subject_type, rd.subject_id == subject_id)
            .values(reason=None)
        )

    async def rekey(self, user_id: int, tomb_id: int) -> None:
        """Where the Telegram id stood for the person in records that stay."""
        await self.session.execute(
            update(_RD).where(_RD.c.actor_id == user_id).values(actor_id=tomb_id)
        )
        await self.session.execute(
            update(_L).where(_L.c.submitted_by == user_id).values(submitted_by=tomb_id)
        )

    async def forget_id(self, user_id: int, anon_id: int | None) -> None:
        """The Telegram id out of AI call records, groups, broadcast deliveries and
        "Got it" presses (counts stay: one anonymous id stands for the person, their
        tombstone's if they had a profile), and the conversation state deleted."""
        await self.session.execute(update(_AI).where(_AI.c.user_id == user_id).values(user_id=None))
        await self.session.execute(update(_G).where(_G.c.added_by == user_id).values(added_by=None))
        d, ack = _D.c, _ACK.c
        mine = (d.chat_id == user_id, d.kind == "private")
        await self.session.execute(
            update(_D).where(*mine, d.status == "planned").values(status="cancelled")
        )
        if anon_id is None:  # no profile: an id of their own, from one of their rows
            first = await self.session.execute(
                select(func.min(ack.id)).where(ack.user_id == user_id)
            )
            first_delivery = await self.session.execute(select(func.min(d.id)).where(*mine))
            seed_ack, seed_delivery = first.scalar(), first_delivery.scalar()
            anon_id = (
                ANON_BASE - seed_ack
                if seed_ack is not None
                else ANON_BASE - 10**12 - (seed_delivery or 0)
            )
        await self.session.execute(update(_D).where(*mine).values(chat_id=anon_id, error=None))
        await self.session.execute(
            update(_ACK).where(ack.user_id == user_id).values(user_id=anon_id)
        )
        keys = [r["key"] for r in await self.fsm_rows(user_id)]
        if keys:
            await self.session.execute(delete(_FSM).where(_FSM.c.key.in_(keys)))

    async def delete_user(self, user_id: int) -> None:
        await self.session.execute(delete(_U).where(_U.c.id == user_id))

    # --- reports (tests and checks) --------------------------------------------------

    async def assignment_ids(self, ambassador_id: int) -> Sequence[tuple[int, int, str]]:
        """(id, request id, status) of every assignment of the ambassador."""
        rows = await self.session.execute(
            select(_A.c.id, _A.c.request_id, _A.c.status)
            .where(_A.c.ambassador_id == ambassador_id)
            .order_by(_A.c.id)
        )
        return [(r.id, r.request_id, r.status) for r in rows]

    async def request_ids(self, startup_id: int, statuses: Iterable[str]) -> list[int]:
        rows = await self.session.execute(
            select(_R.c.id)
            .where(_R.c.startup_id == startup_id, _R.c.status.in_(list(statuses)))
            .order_by(_R.c.id)
        )
        return [r.id for r in rows]
