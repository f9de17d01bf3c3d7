"""Campaigns (issue #7): organizers create named periods of work ("Techfest Vietnam
2025"), mark one active, and move requests between them. New pitches belong to the
active campaign (``PitchService.begin``). Knows nothing of Telegram.

Rules: a name of 1–120 characters, unique regardless of letter case; dates typed
day first as ``dd/mm/yyyy - dd/mm/yyyy`` (local dates in TIMEZONE, both included),
the end not before the start; at most one campaign is active (activating one
deactivates the others in the same transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.errors import Conflict, InvalidInput, NotFound
from storage.dto import CampaignDTO, StoryRequestDTO
from storage.repositories import Repositories

NAME_MAX = 120
DATE_FORMAT = "%d/%m/%Y"
_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
_RANGE_RE = re.compile(rf"^\s*{_DATE}\s*(?:-|–|—|to|đến)\s*{_DATE}\s*$", re.IGNORECASE)


def clean_name(text: str) -> str:
    """The name as stored: spaces collapsed; 1–120 characters."""
    name = " ".join(text.split())
    if not 1 <= len(name) <= NAME_MAX:
        raise InvalidInput("campaign.error.name_length", max=NAME_MAX)
    return name


def parse_dates(text: str) -> tuple[date, date]:
    """``"01/03/2026 - 31/03/2026"`` -> the two dates (InvalidInput if malformed or
    the end comes before the start)."""
    match = _RANGE_RE.match(text)
    if not match:
        raise InvalidInput("campaign.error.dates_format")
    d1, m1, y1, d2, m2, y2 = (int(g) for g in match.groups())
    try:
        starts_on, ends_on = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        raise InvalidInput("campaign.error.dates_format") from None
    if ends_on < starts_on:
        raise InvalidInput("campaign.error.dates_order")
    return starts_on, ends_on


@dataclass(frozen=True, slots=True)
class Moved:
    request: StoryRequestDTO
    campaign: CampaignDTO | None


class CampaignService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def all(self) -> list[CampaignDTO]:
        """The active campaign first, then the latest by start date."""
        return await self.repos.campaigns.all()

    async def active(self) -> CampaignDTO | None:
        return await self.repos.campaigns.active()

    async def get(self, campaign_id: int) -> CampaignDTO:
        campaign = await self.repos.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound("campaign.error.gone")
        return campaign

    async def check_name(self, text: str) -> str:
        """The cleaned name, if valid and not taken (asked before the dates)."""
        name = clean_name(text)
        folded = name.casefold()
        if any(c.name.casefold() == folded for c in await self.repos.campaigns.all(limit=10_000)):
            raise Conflict("campaign.error.name_taken", name=name)
        return name

    async def create(self, name: str, dates: str, by_user: int | None) -> CampaignDTO:
        """A new (inactive) campaign from a typed name and typed dates."""
        name = await self.check_name(name)
        starts_on, ends_on = parse_dates(dates)
        campaign = await self.repos.campaigns.create(
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by_user,
            now=self.clock(),
        )
        if campaign is None:  # created by someone else a moment ago
            raise Conflict("campaign.error.name_taken", name=name)
        return campaign

    async def activate(self, campaign_id: int) -> CampaignDTO:
        """This campaign becomes the only active one."""
        await self.get(campaign_id)
        campaign = await self.repos.campaigns.activate(campaign_id)
        if campaign is None:
            raise NotFound("campaign.error.gone")
        return campaign

    async def deactivate(self, campaign_id: int) -> CampaignDTO:
        campaign = await self.repos.campaigns.deactivate(campaign_id)
        if campaign is None:
            raise NotFound("campaign.error.gone")
        return campaign

    async def request(self, request_id: int) -> StoryRequestDTO:
        """A submitted request (drafts are the startup's own business)."""
        request = await self.repos.requests.get(request_id)
        if request is None or request.status == "draft":
            raise NotFound("error.not_found")
        return request

    async def move_request(self, request_id: int, campaign_id: int | None) -> Moved:
        """Put a (submitted) request in a campaign, or in none (``None``)."""
        await self.request(request_id)
        campaign = await self.get(campaign_id) if campaign_id is not None else None
        await self.repos.campaigns.move_request(request_id, campaign_id)
        moved = await self.repos.requests.get(request_id)
        assert moved is not None
        return Moved(moved, campaign)
