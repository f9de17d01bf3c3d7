"""Published links: an ambassador records where their story appeared; organizers list
and export them.

Knows nothing of Telegram. Submitting is two steps, so the person sees what will be
recorded before anything is:

- ``prepare`` finds the links in a message (text or caption, its entities, a
  forwarded post), normalizes each (``link_urls.normalize_link``) and sorts them into
  valid ones, invalid ones (with the message key saying why) and ones already
  recorded (with where: which request, which startup, when, and whether it was this
  ambassador).
- ``confirm`` re-checks the story on the server and records the links with whether
  each is sponsored. The unique normalized URL decides between two people sending
  the same link at once (``LinkRepo.add``: a savepoint per insert), so the loser
  hears "already recorded" instead of an error. The first links of a story move it
  to published (``accepted|overdue --publish--> published``, compare-and-set, with
  ``published_at``); links after the deadline are kept and marked ``late``. The
  story's reminders stop.

**A second batch.** A story already published still takes links (the same story
shared on another channel, a repost): they are recorded like the first ones, the
startup is told about them, and the story stays published with its first
``published_at``. ``stories_for`` offers the few most recently published stories
for that reason.

**Replacing a broken link.** When the background check finds a link broken, the
ambassador may send the right one instead: ``confirm(..., replaces=id)`` records the
new links and then deletes the old one, in one transaction (nothing is deleted if
nothing new was recorded).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.services.assignment_states import Event, InvalidTransition, Status, next_status
from bot.services.link_check import LinkCheck
from bot.services.link_urls import extract_links, normalize_link
from bot.services.matchmaking import month_start
from bot.services.request_lists import Page
from storage.dto import AmbassadorDTO, AssignmentDTO, LinkDTO, StartupDTO, StoryRequestDTO
from storage.repositories import Repositories

#: Stories that take links: still to publish, or published (a second batch).
OPEN_STORIES = (Status.ACCEPTED, Status.OVERDUE)
TAKES_LINKS = frozenset({Status.ACCEPTED, Status.OVERDUE, Status.PUBLISHED})
#: Published stories offered by /submit besides the open ones (most recent first).
RECENT_PUBLISHED = 5
#: Links recorded from one message at most (one button each on the card).
MAX_LINKS = 10
EXPORT_PERIODS = ("7d", "30d", "month", "all")
_EXPORT_BATCH = 500

#: Check errors that mean readers cannot open the link. Not among them: ``timeout``
#: (a slow site, or trouble on our side) and ``not_html`` (a PDF or a video file).
BROKEN_ERRORS = frozenset(
    {
        "invalid_url",
        "blocked_address",
        "unreachable",
        "tls_error",
        "bad_response",
        "bad_redirect",
        "too_many_redirects",
    }
)
#: HTTP statuses that mean the page is gone. 401/403/429 are not: social platforms
#: answer robots that way while the post is there for people.
GONE_STATUSES = frozenset({404, 410})


def looks_broken(status: int | None, error: str | None) -> bool:
    """Whether a checked link looks broken enough to tell the ambassador."""
    if error is not None:
        return error in BROKEN_ERRORS
    return status is not None and (status in GONE_STATUSES or status >= 500)


@dataclass(frozen=True, slots=True)
class Story:
    """An ambassador's story with everything a message about it needs."""

    assignment: AssignmentDTO
    request: StoryRequestDTO
    startup: StartupDTO
    ambassador: AmbassadorDTO


@dataclass(frozen=True, slots=True)
class Recorded:
    """Where a URL was already recorded."""

    link: LinkDTO
    company: str | None
    #: Recorded by the same ambassador (maybe for this very story).
    mine: bool


@dataclass(frozen=True, slots=True)
class Draft:
    """One link found in a message: valid (``ok``), invalid (``error``) or already
    recorded (``duplicate``)."""

    original: str
    normalized: str | None = None
    platform: str | None = None
    error: str | None = None
    error_params: tuple[tuple[str, Any], ...] = ()
    duplicate: Recorded | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.duplicate is None


@dataclass(frozen=True, slots=True)
class Prepared:
    story: Story
    drafts: tuple[Draft, ...]

    @property
    def valid(self) -> tuple[Draft, ...]:
        return tuple(d for d in self.drafts if d.ok)

    @property
    def refused(self) -> tuple[Draft, ...]:
        return tuple(d for d in self.drafts if not d.ok)


@dataclass(frozen=True, slots=True)
class Confirmed:
    story: Story
    stored: tuple[LinkDTO, ...]
    #: Links someone recorded between the card and the confirmation.
    duplicates: tuple[Draft, ...] = ()
    #: The story moved to published with these links (False for a second batch).
    published_now: bool = False
    #: The broken link these replaced (deleted).
    replaced: LinkDTO | None = None


@dataclass(frozen=True, slots=True)
class LinkLine:
    """A recorded link with the names an organizer reads."""

    link: LinkDTO
    company: str | None
    ambassador: str | None


@dataclass(frozen=True, slots=True)
class CheckTarget:
    """What the background check needs about one stored link."""

    link_id: int
    url: str
    company_names: tuple[str, ...]


class LinkService:
    def __init__(
        self, repos: Repositories, clock: Clock, *, tz: ZoneInfo, page_size: int = 5
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz
        self.page_size = page_size

    # --- the ambassador's stories ----------------------------------------------------------

    async def _ambassador(self, user_id: int) -> AmbassadorDTO:
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is None:
            raise NotAllowed("request.error.not_ambassador")
        return ambassador

    async def _story(self, assignment: AssignmentDTO, ambassador: AmbassadorDTO) -> Story:
        request = await self.repos.requests.get(assignment.request_id)
        if request is None:
            raise NotFound()
        startup = await self.repos.startups.get(request.startup_id)
        if startup is None:
            raise NotFound()
        return Story(assignment, request, startup, ambassador)

    async def stories_for(self, user_id: int) -> list[Story]:
        """Stories this ambassador can send links for: accepted and overdue ones (soonest
        deadline first), then the few most recently published."""
        ambassador = await self._ambassador(user_id)
        found = await self.repos.assignments.for_ambassador(ambassador.id, OPEN_STORIES, limit=50)
        stories = [await self._story(a, ambassador) for a in found]
        far = datetime.max.replace(tzinfo=self.clock().tzinfo)
        stories.sort(key=lambda s: (s.request.deadline or far, s.assignment.id))
        published = await self.repos.assignments.for_ambassador(
            ambassador.id, [Status.PUBLISHED], limit=RECENT_PUBLISHED
        )
        return stories + [await self._story(a, ambassador) for a in published]

    async def story(self, user_id: int, assignment_id: int) -> Story:
        """The story, if it is this person's and takes links (callback data is not trusted)."""
        ambassador = await self._ambassador(user_id)
        assignment = await self.repos.assignments.get(assignment_id)
        if assignment is None:
            raise NotFound()
        if assignment.ambassador_id != ambassador.id:
            raise NotAllowed()
        if assignment.status not in TAKES_LINKS:
            raise InvalidTransition(Status(assignment.status), Event.PUBLISH)
        return await self._story(assignment, ambassador)

    async def fixable(self, user_id: int, link_id: int) -> tuple[Story, LinkDTO]:
        """A link of this person's that they may replace, with its story."""
        link = await self.repos.links.get(link_id)
        if link is None:
            raise NotFound("link.error.gone")
        story = await self.story(user_id, link.assignment_id)
        return story, link

    # --- submitting ----------------------------------------------------------------------

    async def _recorded(self, link: LinkDTO, ambassador_id: int) -> Recorded:
        startup = await self.repos.startups.get(link.startup_id)
        company = startup.company_name if startup else None
        return Recorded(link, company, mine=link.ambassador_id == ambassador_id)

    async def prepare(
        self,
        user_id: int,
        assignment_id: int,
        text: str | None,
        entities: Sequence[Mapping[str, Any]] | None,
    ) -> Prepared:
        """What a message would record (nothing is stored)."""
        story = await self.story(user_id, assignment_id)
        candidates = extract_links(text, entities)
        if not candidates:
            raise InvalidInput("link.error.none")
        if len(candidates) > MAX_LINKS:
            raise InvalidInput("link.error.too_many", max=MAX_LINKS)
        drafts: list[Draft] = []
        for candidate in candidates:
            try:
                found = normalize_link(candidate)
            except InvalidInput as exc:
                drafts.append(
                    Draft(candidate, error=exc.code, error_params=tuple(exc.params.items()))
                )
                continue
            drafts.append(Draft(candidate, found.normalized, found.platform))
        known = await self.repos.links.by_normalized_many(
            d.normalized for d in drafts if d.normalized
        )
        out = []
        for draft in drafts:
            link = known.get(draft.normalized or "")
            if link is not None:
                draft = replace(draft, duplicate=await self._recorded(link, story.ambassador.id))
            out.append(draft)
        return Prepared(story, tuple(out))

    async def confirm(
        self,
        user_id: int,
        assignment_id: int,
        links: Sequence[tuple[str, bool]],
        *,
        replaces: int | None = None,
    ) -> Confirmed:
        """Record ``links`` (original URL, sponsored) for the story; see the module
        docstring for publishing, duplicates and replacing."""
        story = await self.story(user_id, assignment_id)
        old = None
        if replaces is not None:
            old = await self.repos.links.get(replaces)
            if old is None or old.assignment_id != story.assignment.id:
                raise NotFound("link.error.gone")
        if not links or len(links) > MAX_LINKS:
            raise InvalidInput("error.stale_button")
        now = self.clock()
        deadline = story.request.deadline
        late = deadline is not None and now > deadline
        stored: list[LinkDTO] = []
        lost: list[Draft] = []
        for original, sponsored in links:
            found = normalize_link(original)
            link = await self.repos.links.add(
                assignment_id=story.assignment.id,
                request_id=story.request.id,
                startup_id=story.startup.id,
                ambassador_id=story.ambassador.id,
                submitted_by=user_id,
                platform=found.platform,
                original_url=original,
                normalized_url=found.normalized,
                sponsored=bool(sponsored),
                late=late,
                submitted_at=now,
            )
            if link is not None:
                stored.append(link)
                continue
            existing = await self.repos.links.by_normalized(found.normalized)
            recorded = await self._recorded(existing, story.ambassador.id) if existing else None
            lost.append(Draft(original, found.normalized, found.platform, duplicate=recorded))
        if not stored:
            return Confirmed(story, (), tuple(lost))
        published_now = False
        assignment = story.assignment
        if assignment.status != Status.PUBLISHED:
            target = next_status(assignment.status, Event.PUBLISH)
            if await self.repos.assignments.transition(
                assignment.id,
                from_statuses=list(OPEN_STORIES),
                to_status=target,
                values={"published_at": now},
            ):
                published_now = True
                assignment = replace(assignment, status=target, published_at=now)
            else:  # changed since we read it: published by a second device, or cancelled
                current = await self.repos.assignments.get(assignment.id)
                if current is None or current.status != Status.PUBLISHED:
                    status = Status(current.status) if current else Status.CANCELLED
                    raise InvalidTransition(status, Event.PUBLISH)
                assignment = current
        await self.repos.reminders.cancel_for_assignment(assignment.id)
        if old is not None:
            await self.repos.links.delete(old.id)
        return Confirmed(
            replace(story, assignment=assignment), tuple(stored), tuple(lost), published_now, old
        )

    # --- checking ------------------------------------------------------------------------

    @staticmethod
    def check_targets(confirmed: Confirmed) -> list[CheckTarget]:
        names = tuple(n for n in (confirmed.story.startup.company_name,) if n)
        return [CheckTarget(link.id, link.normalized_url, names) for link in confirmed.stored]

    async def record_check(self, link_id: int, check: LinkCheck) -> LinkDTO | None:
        """Store what the check found; the link as it now is (None if it was deleted
        meanwhile, e.g. replaced)."""
        values = {
            "check_status": check.status,
            "check_error": check.error,
            "final_url": check.final_url,
            "title": check.title,
            "page_published_at": check.published_at,
            "mentions_startup": check.mentions_startup,
            "checked_at": self.clock(),
        }
        if not await self.repos.links.record_check(link_id, values):
            return None
        return await self.repos.links.get(link_id)

    async def link_story(self, link: LinkDTO) -> Story:
        """The story a link belongs to (for telling its ambassador about a check)."""
        assignment = await self.repos.assignments.get(link.assignment_id)
        ambassador = await self.repos.ambassadors.get(link.ambassador_id)
        if assignment is None or ambassador is None:
            raise NotFound()
        return await self._story(assignment, ambassador)

    # --- organizers ----------------------------------------------------------------------

    async def _lines(self, links: Sequence[LinkDTO]) -> list[LinkLine]:
        companies: dict[int, str | None] = {}
        names: dict[int, str | None] = {}
        lines = []
        for link in links:
            if link.startup_id not in companies:
                startup = await self.repos.startups.get(link.startup_id)
                companies[link.startup_id] = startup.company_name if startup else None
            if link.ambassador_id not in names:
                ambassador = await self.repos.ambassadors.get(link.ambassador_id)
                names[link.ambassador_id] = ambassador.display_name if ambassador else None
            lines.append(LinkLine(link, companies[link.startup_id], names[link.ambassador_id]))
        return lines

    async def recent(
        self, page: int = 0, *, startup_id: int | None = None, ambassador_id: int | None = None
    ) -> Page[LinkLine]:
        """Organizers' /links: newest first, optionally one startup's or one ambassador's."""
        if page < 0:
            raise InvalidInput("error.stale_button")
        rows = await self.repos.links.recent(
            limit=self.page_size + 1,
            offset=page * self.page_size,
            startup_id=startup_id,
            ambassador_id=ambassador_id,
        )
        lines = await self._lines(rows[: self.page_size])
        return Page(tuple(lines), page, len(rows) > self.page_size)

    async def count(
        self, *, startup_id: int | None = None, ambassador_id: int | None = None
    ) -> int:
        return await self.repos.links.count(startup_id=startup_id, ambassador_id=ambassador_id)

    async def filter_name(self, kind: str, target_id: int) -> str | None:
        """The name of the startup (``s``) or ambassador (``a``) a list is filtered by."""
        if kind == "s":
            startup = await self.repos.startups.get(target_id)
            if startup is None:
                raise NotFound()
            return startup.company_name
        ambassador = await self.repos.ambassadors.get(target_id)
        if ambassador is None:
            raise NotFound()
        return ambassador.display_name

    def period(self, name: str) -> tuple[datetime | None, datetime]:
        """``[start, end]`` of an export period, ending now (a month: the local calendar's)."""
        now = self.clock()
        if name == "7d":
            return now - timedelta(days=7), now
        if name == "30d":
            return now - timedelta(days=30), now
        if name == "month":
            return month_start(now, self.tz), now
        if name == "all":
            return None, now
        raise InvalidInput("error.stale_button")

    async def export(self, period: str) -> list[LinkLine]:
        """Every link submitted in the period, each once, oldest first.

        Read in batches by id, so the statements stay short (SQLite runs them on the
        event loop) and a link recorded during the export is never read twice; the
        period ends when the export starts."""
        start, end = self.period(period)
        links: list[LinkDTO] = []
        after = 0
        while True:
            batch = await self.repos.links.between(start, end, after_id=after, limit=_EXPORT_BATCH)
            links.extend(batch)
            if len(batch) < _EXPORT_BATCH:
                break
            after = batch[-1].id
        links.sort(key=lambda link: (link.submitted_at, link.id))
        return await self._lines(links)
