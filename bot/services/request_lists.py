"""Lists and cards of story requests and assignments, with who may see what.

A startup sees its own requests; an ambassador their own offers and stories;
organizers every request, filtered. Pages are fetched one row past the page size,
so "is there a next page" costs nothing extra.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.clock import Clock
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.services.assignment_states import Status
from storage.dto import AssignmentDTO, StartupDTO, StoryRequestDTO
from storage.repositories import Repositories

ORGANIZER_FILTERS = ("open", "short", "overdue", "all")
#: What /assignments shows: offers still open and stories still to publish first.
AMBASSADOR_STATUSES = (Status.OFFERED, Status.ACCEPTED, Status.OVERDUE)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    has_next: bool


@dataclass(frozen=True, slots=True)
class RequestCard:
    request: StoryRequestDTO
    startup: StartupDTO
    #: Each assignment with the ambassador's display name, oldest first.
    lines: tuple[tuple[AssignmentDTO, str], ...]


def _page(rows: list[T], page: int, size: int) -> Page[T]:
    return Page(tuple(rows[:size]), page, len(rows) > size)


class RequestListService:
    def __init__(self, repos: Repositories, clock: Clock, *, page_size: int = 5) -> None:
        self.repos = repos
        self.clock = clock
        self.page_size = page_size

    def _window(self, page: int) -> tuple[int, int]:
        if page < 0:
            raise InvalidInput("error.stale_button")
        return self.page_size + 1, page * self.page_size

    async def for_startup(self, user_id: int, page: int = 0) -> Page[StoryRequestDTO]:
        startup = await self.repos.startups.get_by_user(user_id)
        if startup is None:
            raise NotAllowed("request.error.no_requests_role")
        limit, offset = self._window(page)
        rows = await self.repos.requests.list_by_startup(startup.id, limit=limit, offset=offset)
        return _page(rows, page, self.page_size)

    async def for_organizer(self, flt: str, page: int = 0) -> Page[StoryRequestDTO]:
        if flt not in ORGANIZER_FILTERS:
            raise InvalidInput("error.stale_button")
        limit, offset = self._window(page)
        rows = await self.repos.requests.list_filtered(
            flt, now=self.clock(), limit=limit, offset=offset
        )
        return _page(rows, page, self.page_size)

    async def for_ambassador(self, user_id: int, page: int = 0) -> Page[AssignmentDTO]:
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is None:
            raise NotAllowed("request.error.not_ambassador")
        limit, offset = self._window(page)
        rows = await self.repos.assignments.for_ambassador(
            ambassador.id, AMBASSADOR_STATUSES, limit=limit, offset=offset
        )
        return _page(rows, page, self.page_size)

    async def card(self, request_id: int, *, viewer_id: int, organizer: bool) -> RequestCard:
        """A request with its assignments, for an organizer or its own startup."""
        request = await self.repos.requests.get(request_id)
        if request is None:
            raise NotFound()
        startup = await self.repos.startups.get(request.startup_id)
        if startup is None:
            raise NotFound()
        if not organizer and startup.user_id != viewer_id:
            raise NotAllowed()
        assignments = await self.repos.assignments.for_request(request_id)
        names = await self.repos.ambassadors.display_names(a.ambassador_id for a in assignments)
        lines = [(a, names.get(a.ambassador_id) or "—") for a in assignments]
        if not organizer:  # a startup sees who is on its story, not every offer made
            lines = [(a, n) for a, n in lines if a.status not in ("declined", "expired")]
        return RequestCard(request, startup, tuple(lines))

    async def companies(self, requests: Iterable[StoryRequestDTO]) -> dict[int, str | None]:
        """Company names of these requests' startups, each startup read once."""
        names: dict[int, str | None] = {}
        for startup_id in {r.startup_id for r in requests}:
            startup = await self.repos.startups.get(startup_id)
            names[startup_id] = startup.company_name if startup else None
        return names

    async def set_paused(self, user_id: int, paused: bool) -> None:
        """/pause and /resume: a paused ambassador gets no new offers."""
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is None:
            raise NotAllowed("request.error.not_ambassador")
        await self.repos.ambassadors.update_fields(ambassador.id, {"paused": paused})
