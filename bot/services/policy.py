"""Policy voice (issue #6): the policy and regulation problems raised across pitches,
grouped into themes, each with the startups and provinces behind it.

Which pitches count: need "policy" (policy and regulation), submitted (any status
but draft), optionally only those of the last N days. The grouping is the model's
(``bot/ai/insights.py``), checked here against the pitches it was given; when there
is no model, or its answer is unusable, the deterministic grouping is by sector.
Telegram-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.ai.schemas import PolicyThemes
from bot.clock import Clock
from bot.reference import codes
from storage.repositories import Repositories

#: The need code of policy and regulation pitches.
POLICY_NEED = "policy"
#: At most this many pitches (the newest) are grouped at once.
MAX_PITCHES = 60
#: How many days back ``/policy N`` may look.
MAX_DAYS = 3650
#: The sector of pitches whose startup named none.
OTHER_SECTOR = "other"


@dataclass(frozen=True, slots=True)
class PolicyPitch:
    """One pitch that counts, with what the themes show of its startup."""

    id: int
    company: str
    province: str | None  # province code
    sectors: tuple[str, ...]
    story: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A group of pitches. A model's theme has a title and summary; a deterministic
    one has a sector code (its title is the sector's label); ``other`` holds the
    pitches no model theme claimed."""

    pitch_ids: tuple[int, ...]
    title: str = ""
    summary: str = ""
    sector: str | None = None
    other: bool = False


class PolicyService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def pitches(
        self, days: int | None = None, *, limit: int = MAX_PITCHES
    ) -> list[PolicyPitch]:
        """The pitches that count, oldest first (the newest ``limit``)."""
        since = self.clock() - timedelta(days=days) if days else None
        requests = await self.repos.requests.with_need(POLICY_NEED, since=since, limit=limit)
        startups = {}
        for startup_id in {r.startup_id for r in requests}:
            startups[startup_id] = await self.repos.startups.get(startup_id)
        found: list[PolicyPitch] = []
        for request in requests:
            startup = startups.get(request.startup_id)
            found.append(
                PolicyPitch(
                    id=request.id,
                    company=(startup.company_name if startup else None) or f"#{request.id}",
                    province=startup.province if startup else None,
                    sectors=startup.sectors if startup else (),
                    story=request.story or "",
                )
            )
        return found


def _primary_sector(pitch: PolicyPitch) -> str:
    return pitch.sectors[0] if pitch.sectors else OTHER_SECTOR


def fallback_themes(pitches: Sequence[PolicyPitch]) -> list[Theme]:
    """The deterministic grouping: by the startup's first sector, the largest group
    first (ties in the taxonomy's order); each pitch in exactly one theme."""
    groups: dict[str, list[int]] = {}
    for pitch in pitches:
        groups.setdefault(_primary_sector(pitch), []).append(pitch.id)
    order = {code: n for n, code in enumerate(codes("sectors"))}
    ranked = sorted(
        groups.items(), key=lambda item: (-len(item[1]), order.get(item[0], len(order)), item[0])
    )
    return [Theme(pitch_ids=tuple(ids), sector=sector) for sector, ids in ranked]


def themes_from_model(result: PolicyThemes, pitches: Iterable[PolicyPitch]) -> list[Theme]:
    """The model's themes, checked against the pitches it was sent: ids it invented are
    dropped, themes left empty are dropped, pitches no theme claimed go to "Other".
    An empty list means nothing usable came back (the caller falls back)."""
    known = [p.id for p in pitches]
    allowed = set(known)
    themes: list[Theme] = []
    claimed: set[int] = set()
    for theme in result.themes:
        ids = tuple(i for i in theme.request_ids if i in allowed)
        if not ids:
            continue
        claimed.update(ids)
        themes.append(Theme(pitch_ids=ids, title=theme.title, summary=theme.summary))
    if not themes:
        return []
    rest = tuple(i for i in known if i not in claimed)
    if rest:
        themes.append(Theme(pitch_ids=rest, other=True))
    return themes
