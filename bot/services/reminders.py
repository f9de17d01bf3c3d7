"""Reminders for accepted stories: planning them, claiming the due ones, snoozing.

The policy (when) is ``reminder_policy``; this service stores the plan as rows
(``ReminderRepo``), and the claim pass (``bot/jobs.py: ReminderJob``) turns due
rows into messages. Knows nothing of Telegram: ``claim`` says what to send to whom,
the job sends it and reports back with ``sent`` / ``blocked`` / ``retry``.

Rules applied at claim time:
- a story no longer accepted or overdue (link in, released, cancelled) gets nothing:
  its rows are cancelled;
- rows that fell due while the bot was down are coalesced to the latest message per
  story (the older ones are skipped), so a restart sends each story one reminder;
- "mark_overdue" is an action: the story becomes overdue and organizers are told;
- people who chose the daily digest get no single reminders (the digest covers them),
  and people who blocked the bot get nothing until they come back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import Conflict, NotAllowed, NotFound
from bot.services.assignment_states import Event, InvalidTransition, Status, next_status
from bot.services.reminder_policy import (
    QuietHours,
    ReminderKind,
    ReminderPolicy,
    plan,
    snooze,
)
from storage.dto import (
    AmbassadorDTO,
    AssignmentDTO,
    LinkDTO,
    ReminderDTO,
    StartupDTO,
    StoryRequestDTO,
)
from storage.repositories import Repositories

MODES = ("normal", "silent", "digest")
#: A claim older than this belongs to a process that died: it may be claimed again.
CLAIM_LEASE = timedelta(minutes=5)
#: Network errors: try again after these delays, then give up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
ACTIVE = (Status.ACCEPTED, Status.OVERDUE)


@dataclass(frozen=True, slots=True)
class StoryContext:
    assignment: AssignmentDTO
    request: StoryRequestDTO
    startup: StartupDTO
    ambassador: AmbassadorDTO


@dataclass(frozen=True, slots=True)
class DueMessage:
    reminder: ReminderDTO
    story: StoryContext
    #: Sent without sound (the person chose "silent", and this is not the loud one).
    silent: bool


@dataclass(frozen=True, slots=True)
class Claimed:
    messages: list[DueMessage] = field(default_factory=list)
    #: Stories just marked overdue: organizers are told.
    overdue: list[StoryContext] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OrganizerDigest:
    due_soon: list[StoryContext]
    overdue: list[StoryContext]
    #: Links recorded in the last day, with the ambassador's display name.
    new_links: list[tuple[LinkDTO, str]] = field(default_factory=list)


class ReminderService:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        *,
        tz: ZoneInfo,
        policy: ReminderPolicy,
        quiet: QuietHours,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz
        self.policy = policy
        self.quiet = quiet

    async def plan_for(self, assignment: AssignmentDTO, deadline: datetime | None) -> int:
        """Store the reminders of a story just accepted (only those still ahead)."""
        if deadline is None:
            return 0
        steps = plan(deadline, self.clock(), self.tz, self.policy, self.quiet)
        return await self.repos.reminders.plan(
            assignment.id, ((s.kind.value, s.seq, s.due_at, s.loud) for s in steps)
        )

    async def story(self, assignment_id: int) -> StoryContext:
        assignment = await self.repos.assignments.get(assignment_id)
        if assignment is None:
            raise NotFound()
        request = await self.repos.requests.get(assignment.request_id)
        ambassador = await self.repos.ambassadors.get(assignment.ambassador_id)
        if request is None or ambassador is None:
            raise NotFound()
        startup = await self.repos.startups.get(request.startup_id)
        if startup is None:
            raise NotFound()
        return StoryContext(assignment, request, startup, ambassador)

    # --- the claim pass ------------------------------------------------------------------

    async def claim(self, token: str, *, limit: int = 200) -> Claimed:
        now = self.clock()
        rows = await self.repos.reminders.claim_due(
            now=now, token=token, limit=limit, stale_before=now - CLAIM_LEASE
        )
        by_story: dict[int, list[ReminderDTO]] = defaultdict(list)
        for row in rows:
            by_story[row.assignment_id].append(row)
        claimed = Claimed()
        for assignment_id, due in by_story.items():
            await self._claim_story(token, assignment_id, due, now, claimed)
        return claimed

    async def _finish(self, token: str, rows: list[ReminderDTO], status: str, error: str) -> None:
        for row in rows:
            await self.repos.reminders.finish(
                row.id, token=token, status=status, when=self.clock(), error=error
            )

    async def _claim_story(
        self, token: str, assignment_id: int, due: list[ReminderDTO], now: datetime, out: Claimed
    ) -> None:
        story = await self.story(assignment_id)
        if story.assignment.status not in ACTIVE:
            await self._finish(token, due, "cancelled", story.assignment.status)
            await self.repos.reminders.cancel_for_assignment(assignment_id)
            return
        actions = [r for r in due if r.kind == ReminderKind.MARK_OVERDUE]
        messages = [r for r in due if r.kind != ReminderKind.MARK_OVERDUE]
        for action in actions:
            marked = await self._mark_overdue(story)
            await self._finish(token, [action], "sent", "")
            if marked is not None:
                story = marked
                out.overdue.append(marked)
        if not messages:
            return
        latest = max(messages, key=lambda r: (r.due_at, r.id))
        await self._finish(token, [r for r in messages if r is not latest], "skipped", "coalesced")
        await self.repos.reminders.skip_messages_before(assignment_id, latest.due_at)
        person = await self.repos.users.get(story.ambassador.user_id)
        if person is None or person.blocked_at is not None:
            await self._finish(token, [latest], "cancelled", "blocked")
            return
        if person.reminder_mode == "digest":
            await self._finish(token, [latest], "skipped", "digest")
            return
        silent = person.reminder_mode == "silent" and not latest.loud
        out.messages.append(DueMessage(latest, story, silent))

    async def _mark_overdue(self, story: StoryContext) -> StoryContext | None:
        assignment = story.assignment
        if assignment.status != Status.ACCEPTED:
            return None
        target = next_status(assignment.status, Event.MARK_OVERDUE)
        if not await self.repos.assignments.transition(
            assignment.id, from_statuses=[Status.ACCEPTED], to_status=target
        ):
            return None
        return replace(story, assignment=replace(assignment, status=target))

    async def sent(self, reminder: ReminderDTO, token: str) -> None:
        await self.repos.reminders.finish(
            reminder.id, token=token, status="sent", when=self.clock()
        )

    async def blocked(self, reminder: ReminderDTO, token: str, user_id: int) -> None:
        """Telegram said 403: no more reminders to this person until they come back."""
        now = self.clock()
        await self.repos.reminders.finish(
            reminder.id, token=token, status="failed", when=now, error="blocked"
        )
        await self.repos.users.set_blocked(user_id, now)

    async def failed(self, reminder: ReminderDTO, token: str, error: str) -> None:
        """Telegram refused the message itself (chat not found...): retrying won't help."""
        await self.repos.reminders.finish(
            reminder.id, token=token, status="failed", when=self.clock(), error=error
        )

    async def retry(self, reminder: ReminderDTO, token: str, error: str) -> bool:
        """A network error: try again later (False when out of attempts: failed)."""
        attempt = reminder.attempts  # already counts this claim
        if attempt > len(RETRY_DELAYS):
            await self.repos.reminders.finish(
                reminder.id, token=token, status="failed", when=self.clock(), error=error
            )
            return False
        due = self.clock() + RETRY_DELAYS[attempt - 1]
        await self.repos.reminders.retry_later(reminder.id, token=token, due_at=due, error=error)
        return True

    # --- the ambassador's buttons ----------------------------------------------------------

    async def own_story(self, user_id: int, assignment_id: int) -> StoryContext:
        story = await self.story(assignment_id)
        if story.ambassador.user_id != user_id:
            raise NotAllowed()
        if story.assignment.status not in ACTIVE:
            raise InvalidTransition(Status(story.assignment.status), Event.PUBLISH)
        return story

    async def snooze(self, user_id: int, assignment_id: int) -> datetime:
        """Remind again in a day (at most twice, never past the deadline + 3 days)."""
        story = await self.own_story(user_id, assignment_id)
        assignment, deadline = story.assignment, story.request.deadline
        if deadline is None:
            raise Conflict("reminder.error.snooze_too_late", days=3)
        now = self.clock()
        upcoming = [
            r
            for r in await self.repos.reminders.for_assignment(assignment_id)
            if r.status == "planned" and r.kind != ReminderKind.MARK_OVERDUE
        ]
        due_at = min((r.due_at for r in upcoming), default=now)
        moved = snooze(due_at, now, deadline, assignment.snoozes, tz=self.tz, quiet=self.quiet)
        number = assignment.snoozes + 1
        await self.repos.assignments.update_fields(assignment_id, {"snoozes": number})
        await self.repos.reminders.skip_messages_before(assignment_id, moved)
        await self.repos.reminders.plan(assignment_id, [("snooze", number, moved, False)])
        return moved

    async def set_mode(self, user_id: int, mode: str) -> None:
        if mode not in MODES:
            raise NotAllowed()
        await self.repos.users.set_reminder_mode(user_id, mode)

    async def active_stories(self, ambassador_id: int) -> list[StoryContext]:
        """Accepted and overdue stories of one ambassador, soonest deadline first."""
        found = await self.repos.assignments.for_ambassador(ambassador_id, ACTIVE, limit=50)
        stories = [await self.story(a.id) for a in found]
        far = datetime.max.replace(tzinfo=self.clock().tzinfo)
        return sorted(stories, key=lambda s: s.request.deadline or far)

    # --- daily digests -----------------------------------------------------------------

    async def claim_daily(self, name: str) -> bool:
        """True for the one process that runs today's ``name`` (local date in TIMEZONE)."""
        now = self.clock()
        key = now.astimezone(self.tz).date().isoformat()
        return await self.repos.job_runs.claim(name, key, now)

    async def digest_people(self) -> list[tuple[int, list[StoryContext]]]:
        """People who chose the daily digest, with their stories still to publish."""
        result = []
        for person in await self.repos.users.with_mode("digest"):
            ambassador = await self.repos.ambassadors.get_by_user(person.id)
            if ambassador is None:
                continue
            stories = await self.active_stories(ambassador.id)
            if stories:
                result.append((person.id, stories))
        return result

    async def organizer_digest(
        self, *, due_within: timedelta = timedelta(hours=48)
    ) -> OrganizerDigest:
        now = self.clock()
        soon = await self.repos.assignments.stories(
            [Status.ACCEPTED], deadline_before=now + due_within
        )
        late = await self.repos.assignments.stories([Status.OVERDUE])
        links = await self.repos.links.between(now - timedelta(days=1), now, limit=50)
        named = []
        for link in links:
            ambassador = await self.repos.ambassadors.get(link.ambassador_id)
            named.append((link, ambassador.display_name or "—" if ambassador else "—"))
        return OrganizerDigest(
            due_soon=[await self.story(a.id) for a in soon],
            overdue=[await self.story(a.id) for a in late],
            new_links=named,
        )
