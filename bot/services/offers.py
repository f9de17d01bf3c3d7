"""Offers: asking the best candidates, and what happens when they answer or do not.

Knows nothing of Telegram: each method returns what happened, and the handler (or
the expiry job) tells the people concerned. Every change goes through the state
machine (``assignment_states``) and is applied as a compare-and-set, inside the
caller's transaction: if anything fails, nothing of it is kept.

- ``fill`` offers a request to as many top-ranked candidates as it still needs
  (wanted − accepted − offers still open), and reports a shortfall when candidates
  run out, so organizers can be alerted.
- ``accept`` re-checks everything on the server (the offer is this person's, still
  open, not past its expiry, and a slot is free), takes a slot with the conditional
  update, and when the request becomes full withdraws the other open offers.
- ``decline`` and ``expire_due`` close offers and ask the next candidates.
- ``cancel_request`` cancels a whole request (an organizer's, or through
  ``cancel_own_request`` its own approved startup's: who did it is the result's
  ``actor``, which words the notices).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import Conflict, NotAllowed, NotFound
from bot.services.assignment_states import (
    Event,
    InvalidTransition,
    Status,
    allowed_events,
    next_status,
)
from bot.services.matching import MatchWeights, Scored
from bot.services.matchmaking import month_start, rank_for_request, score_one
from bot.services.reminders import ReminderService
from storage.dto import AmbassadorDTO, AssignmentDTO, StartupDTO, StoryRequestDTO
from storage.repositories import Repositories

DECLINE_REASONS = ("no_time", "not_my_topic", "other")


@dataclass(frozen=True, slots=True)
class FillResult:
    request_id: int
    offers: tuple[AssignmentDTO, ...] = ()
    #: Offers still needed that no candidate could take (alert organizers when > 0).
    shortfall: int = 0


@dataclass(frozen=True, slots=True)
class AcceptResult:
    assignment: AssignmentDTO
    request: StoryRequestDTO
    #: Other open offers withdrawn because this accept filled the request.
    withdrawn: tuple[AssignmentDTO, ...] = ()


@dataclass(frozen=True, slots=True)
class ClosedOffer:
    """An offer that was declined or expired, and the offers made to replace it."""

    assignment: AssignmentDTO
    refill: FillResult = field(default_factory=lambda: FillResult(0))


@dataclass(frozen=True, slots=True)
class OfferView:
    """An assignment with everything a message about it needs."""

    assignment: AssignmentDTO
    request: StoryRequestDTO
    startup: StartupDTO
    ambassador: AmbassadorDTO


#: Request statuses a request may be cancelled from (by an organizer or its startup).
CANCELLABLE = ("draft", "pending", "open", "filled")
#: Who cancelled a request (the notices are worded after it).
CANCEL_ACTORS = ("organizer", "startup")


@dataclass(frozen=True, slots=True)
class CancelResult:
    request: StoryRequestDTO
    #: Assignments closed by the cancellation (offers withdrawn, stories cancelled).
    closed: tuple[AssignmentDTO, ...] = ()
    #: "organizer" or "startup" (CANCEL_ACTORS).
    actor: str = "organizer"
    #: The request's status before it was cancelled.
    previous_status: str = ""


@dataclass(frozen=True, slots=True)
class CancelPreview:
    """What cancelling a request would close: shown before the startup confirms."""

    request: StoryRequestDTO
    startup: StartupDTO
    #: Offers still open (they are withdrawn) and stories held (they are cancelled).
    open_offers: int
    stories: int


#: Where a question about an offer may still be asked (and answered).
QUESTION_STATUSES = frozenset({Status.OFFERED, Status.ACCEPTED, Status.OVERDUE})


class OfferService:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        *,
        tz: ZoneInfo,
        offer_ttl: timedelta,
        weights: MatchWeights,
        reminders: ReminderService | None = None,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz
        self.offer_ttl = offer_ttl
        self.weights = weights
        self.reminders = reminders

    async def _request(self, request_id: int) -> StoryRequestDTO:
        request = await self.repos.requests.get(request_id)
        if request is None:
            raise NotFound("error.not_found")
        return request

    # --- reading -------------------------------------------------------------------

    async def ambassador_of(self, user_id: int) -> AmbassadorDTO:
        """The person's ambassador profile (answers to offers come from it)."""
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is None:
            raise NotAllowed()
        return ambassador

    async def view(self, assignment: AssignmentDTO | int) -> OfferView:
        if isinstance(assignment, int):
            found = await self.repos.assignments.get(assignment)
            if found is None:
                raise NotFound()
            assignment = found
        request = await self._request(assignment.request_id)
        startup = await self.repos.startups.get(request.startup_id)
        ambassador = await self.repos.ambassadors.get(assignment.ambassador_id)
        if startup is None or ambassador is None:
            raise NotFound()
        return OfferView(assignment, request, startup, ambassador)

    async def request_and_startup(self, request_id: int) -> tuple[StoryRequestDTO, StartupDTO]:
        request = await self._request(request_id)
        startup = await self.repos.startups.get(request.startup_id)
        if startup is None:
            raise NotFound()
        return request, startup

    async def display_names(self, ambassador_ids: list[int]) -> dict[int, str | None]:
        return await self.repos.ambassadors.display_names(ambassador_ids)

    # --- offering ------------------------------------------------------------------

    async def fill(self, request_id: int) -> FillResult:
        """Offer the request to the next best candidates, as many as still needed."""
        request = await self._request(request_id)
        if request.status != "open" or not request.wanted:
            return FillResult(request_id)
        open_offers = await self.repos.assignments.count(request_id, [Status.OFFERED])
        needed = request.wanted - request.accepted - open_offers
        if needed <= 0:
            return FillResult(request_id)
        startup = await self.repos.startups.get(request.startup_id)
        if startup is None:
            raise NotFound("error.not_found")
        now = self.clock()
        ranked = await rank_for_request(
            self.repos, request, startup, now=now, tz=self.tz, weights=self.weights, limit=needed
        )
        made = []
        for candidate in ranked:
            offer = await self.repos.assignments.offer(
                request_id=request_id,
                ambassador_id=candidate.ambassador_id,
                score=candidate.score,
                reasons=[r.as_json() for r in candidate.reasons],
                offered_at=now,
                expires_at=now + self.offer_ttl,
            )
            if offer is not None:
                made.append(offer)
        return FillResult(request_id, tuple(made), needed - len(made))

    async def _own_offer(self, assignment_id: int, ambassador_id: int) -> AssignmentDTO:
        """The assignment, if it is this ambassador's (callback data is not trusted)."""
        assignment = await self.repos.assignments.get(assignment_id)
        if assignment is None:
            raise NotFound("error.not_found")
        if assignment.ambassador_id != ambassador_id:
            raise NotAllowed()
        return assignment

    def _check_open(self, assignment: AssignmentDTO, event: Event) -> None:
        """Refuse answers to offers that are closed or past their time (even if the
        expiry job has not run yet: a late press never wins)."""
        status = Status(assignment.status)
        if status is Status.OFFERED and assignment.expires_at <= self.clock():
            raise InvalidTransition(Status.EXPIRED, event)
        next_status(status, event)

    async def accept(self, assignment_id: int, ambassador_id: int) -> AcceptResult:
        assignment = await self._own_offer(assignment_id, ambassador_id)
        if assignment.status == Status.WITHDRAWN:
            # Withdrawn because someone else just took the last slot: say so.
            current = await self._request(assignment.request_id)
            if current.status == "filled":
                raise Conflict("assignment.error.filled")
        self._check_open(assignment, Event.ACCEPT)
        await self._check_capacity(ambassador_id)
        request = await self.repos.requests.take_slot(assignment.request_id)
        if request is None:
            raise Conflict("assignment.error.filled")
        now = self.clock()
        accepted = await self._answer(assignment, Event.ACCEPT, {"answered_at": now})
        if accepted is None:
            # Changed since we read it (withdrawn by an organizer, say); the raise
            # rolls back the slot taken above along with everything else.
            raise InvalidTransition(Status.WITHDRAWN, Event.ACCEPT)
        if self.reminders is not None:
            await self.reminders.plan_for(accepted, request.deadline)
        withdrawn: list[AssignmentDTO] = []
        if request.wanted is not None and request.accepted >= request.wanted:
            if await self.repos.requests.transition(
                request.id, from_statuses=["open"], to_status="filled"
            ):
                request = replace(request, status="filled")
            withdrawn = await self._withdraw_open_offers(request.id, now)
        return AcceptResult(accepted, request, tuple(withdrawn))

    async def _answer(
        self, offer: AssignmentDTO, event: Event, values: dict[str, Any] | None = None
    ) -> AssignmentDTO | None:
        """Move an open offer on by ``event`` (compare-and-set); the offer as it now
        is, or None when it was no longer open."""
        status = next_status(Status.OFFERED, event)
        if not await self.repos.assignments.transition(
            offer.id, from_statuses=[Status.OFFERED], to_status=status, values=values
        ):
            return None
        return replace(offer, status=status, **(values or {}))

    async def _check_capacity(self, ambassador_id: int) -> None:
        """Offers made while there was room may outnumber it: accepting re-checks."""
        ambassador = await self.repos.ambassadors.get(ambassador_id)
        if ambassador is None:
            raise NotFound("error.not_found")
        since = month_start(self.clock(), self.tz)
        taken = await self.repos.assignments.taken_since(ambassador_id, since)
        if taken >= (ambassador.capacity or 0):
            raise Conflict("assignment.error.capacity", capacity=ambassador.capacity or 0)

    async def _withdraw_open_offers(self, request_id: int, now: datetime) -> list[AssignmentDTO]:
        withdrawn = []
        for other in await self.repos.assignments.for_request(request_id):
            if other.status == Status.OFFERED:
                closed = await self._answer(other, Event.WITHDRAW, {"answered_at": now})
                if closed is not None:
                    withdrawn.append(closed)
        return withdrawn

    async def decline(
        self, assignment_id: int, ambassador_id: int, reason: str | None = None
    ) -> ClosedOffer:
        assignment = await self._own_offer(assignment_id, ambassador_id)
        self._check_open(assignment, Event.DECLINE)
        if reason is not None and reason not in DECLINE_REASONS:
            raise NotAllowed()
        values = {"answered_at": self.clock(), "decline_reason": reason}
        closed = await self._answer(assignment, Event.DECLINE, values)
        if closed is None:
            raise InvalidTransition(Status.WITHDRAWN, Event.DECLINE)
        return ClosedOffer(closed, await self.fill(assignment.request_id))

    async def set_decline_reason(self, assignment_id: int, ambassador_id: int, reason: str) -> None:
        """The optional "why" asked after a decline (once; the decline already counted)."""
        assignment = await self._own_offer(assignment_id, ambassador_id)
        if reason not in DECLINE_REASONS:
            raise NotAllowed()
        if assignment.status != Status.DECLINED or assignment.decline_reason is not None:
            raise Conflict("assignment.error.reason_given")
        await self.repos.assignments.update_fields(assignment.id, {"decline_reason": reason})

    async def question_route(self, assignment_id: int, ambassador_id: int) -> OfferView:
        """An ambassador may ask the startup about an offer they hold or a story they took."""
        assignment = await self._own_offer(assignment_id, ambassador_id)
        if assignment.status not in QUESTION_STATUSES:
            raise InvalidTransition(Status(assignment.status), Event.ACCEPT)
        return await self.view(assignment)

    async def answer_route(self, assignment_id: int, startup_user_id: int) -> OfferView:
        """The startup answering a relayed question: only the request's own startup."""
        view = await self.view(assignment_id)
        if view.startup.user_id != startup_user_id:
            raise NotAllowed()
        return view

    # --- organizers ------------------------------------------------------------------

    async def assign(
        self, request_id: int, ambassador_id: int, *, organizer_id: int
    ) -> AssignmentDTO:
        """An organizer offers the request to a chosen ambassador (from the ranked list)."""
        request = await self._request(request_id)
        if request.status != "open":
            raise Conflict("request.error.not_open")
        startup = await self.repos.startups.get(request.startup_id)
        assert startup is not None
        now = self.clock()
        chosen = await score_one(
            self.repos, request, startup, ambassador_id, now=now, tz=self.tz, weights=self.weights
        )
        if chosen is None:
            raise Conflict("request.error.not_a_candidate")
        offer = await self.repos.assignments.offer(
            request_id=request_id,
            ambassador_id=ambassador_id,
            score=chosen.score,
            reasons=[r.as_json() for r in chosen.reasons],
            offered_at=now,
            expires_at=now + self.offer_ttl,
            offered_by=organizer_id,
        )
        if offer is None:
            raise Conflict("request.error.not_a_candidate")
        return offer

    async def candidates(self, request_id: int, *, limit: int) -> list[Scored]:
        """The ranked candidates an organizer may pick from (with their reasons)."""
        request = await self._request(request_id)
        startup = await self.repos.startups.get(request.startup_id)
        assert startup is not None
        return await rank_for_request(
            self.repos,
            request,
            startup,
            now=self.clock(),
            tz=self.tz,
            weights=self.weights,
            limit=limit,
        )

    async def withdraw(self, assignment_id: int, *, request_id: int) -> ClosedOffer:
        """An organizer takes back an open offer; the next candidate is asked."""
        assignment = await self.repos.assignments.get(assignment_id)
        if assignment is None or assignment.request_id != request_id:
            raise NotFound()
        next_status(assignment.status, Event.WITHDRAW)
        closed = await self._answer(assignment, Event.WITHDRAW, {"answered_at": self.clock()})
        if closed is None:
            raise Conflict("assignment.error.not_open")
        return ClosedOffer(closed, await self.fill(assignment.request_id))

    async def cancel_request(self, request_id: int, *, actor: str = "organizer") -> CancelResult:
        """Cancel a whole request: open offers are withdrawn, accepted stories cancelled
        (their reminders stop, their slots are freed). ``actor`` only says who did it;
        callers check they may (organizers by role, a startup by ``cancel_own_request``).
        """
        if actor not in CANCEL_ACTORS:
            raise ValueError(actor)
        request = await self._request(request_id)
        if not await self.repos.requests.transition(
            request_id, from_statuses=list(CANCELLABLE), to_status="cancelled"
        ):
            raise Conflict("request.error.not_cancellable")
        now = self.clock()
        closed = []
        for assignment in await self.repos.assignments.for_request(request_id):
            event = Event.WITHDRAW if assignment.status == Status.OFFERED else Event.CANCEL
            if event not in allowed_events(assignment.status):
                continue
            target = next_status(assignment.status, event)
            if await self.repos.assignments.transition(
                assignment.id,
                from_statuses=[assignment.status],
                to_status=target,
                values={"answered_at": now} if event is Event.WITHDRAW else None,
            ):
                closed.append(replace(assignment, status=target))
                if event is Event.CANCEL:  # a story no longer held frees its slot
                    await self.repos.requests.release_slot(request_id)
                    await self.repos.reminders.cancel_for_assignment(assignment.id)
        accepted = request.accepted - sum(1 for a in closed if a.status == Status.CANCELLED)
        return CancelResult(
            replace(request, status="cancelled", accepted=max(0, accepted)),
            tuple(closed),
            actor=actor,
            previous_status=request.status,
        )

    # --- startups --------------------------------------------------------------------

    async def own_request(self, request_id: int, user_id: int) -> CancelPreview:
        """The request ``request_id`` if ``user_id`` is its approved startup and it may
        still be cancelled, with what cancelling it would close. Callback data is not
        trusted: another startup's request, a non-startup or an unknown id is refused
        alike (``NotAllowed``, nothing said about the request); a request past
        cancelling is a ``Conflict`` that says why."""
        startup = await self.repos.startups.get_by_user(user_id)
        request = await self.repos.requests.get(request_id)
        if startup is None or request is None or request.startup_id != startup.id:
            raise NotAllowed()
        if startup.status != "approved":
            raise NotAllowed("pitch.error.not_approved")
        if request.status == "cancelled":
            raise Conflict("request.error.already_cancelled")
        if request.status not in CANCELLABLE:
            raise Conflict("request.error.not_cancellable")
        open_offers = await self.repos.assignments.count(request_id, [Status.OFFERED])
        stories = await self.repos.assignments.count(request_id, [Status.ACCEPTED, Status.OVERDUE])
        return CancelPreview(request, startup, open_offers, stories)

    async def cancel_own_request(self, request_id: int, user_id: int) -> CancelResult:
        """A startup cancels its own request (re-authorized here on every press); the
        same cancellation as an organizer's, told as the startup's."""
        await self.own_request(request_id, user_id)
        return await self.cancel_request(request_id, actor="startup")

    async def release(self, assignment_id: int, ambassador_id: int) -> ClosedOffer:
        """ "Can't do it": the ambassador gives an accepted story back. Its reminders
        stop, its slot is freed, the request reopens and a replacement is asked."""
        assignment = await self._own_offer(assignment_id, ambassador_id)
        target = next_status(assignment.status, Event.CANCEL)
        now = self.clock()
        if not await self.repos.assignments.transition(
            assignment.id,
            from_statuses=[assignment.status],
            to_status=target,
            values={"decline_reason": "released"},
        ):
            raise Conflict("assignment.error.not_open")
        await self.repos.reminders.cancel_for_assignment(assignment.id)
        await self.repos.requests.release_slot(assignment.request_id)
        await self.repos.requests.transition(
            assignment.request_id, from_statuses=["filled"], to_status="open"
        )
        closed = replace(assignment, status=target, decline_reason="released", answered_at=now)
        return ClosedOffer(closed, await self.fill(assignment.request_id))

    async def expire_due(self, *, limit: int = 100) -> list[ClosedOffer]:
        """Expire offers past their time and offer their requests to the next people.

        Run periodically (and safe to run twice: the compare-and-set skips offers
        someone answered meanwhile).
        """
        closed = []
        for offer in await self.repos.assignments.expired_offers(self.clock(), limit=limit):
            expired = await self._answer(offer, Event.EXPIRE)
            if expired is not None:
                closed.append(ClosedOffer(expired, await self.fill(offer.request_id)))
        return closed
