"""Domain services. They know nothing of Telegram; handlers call them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.services.ai_usage import AIUsageService
from bot.services.briefs import BriefService
from bot.services.broadcasts import BroadcastService
from bot.services.campaigns import CampaignService
from bot.services.groups import GroupService
from bot.services.links import LinkService
from bot.services.mine import MineService
from bot.services.offers import OfferService
from bot.services.organizers import OrganizerService
from bot.services.outcomes import OutcomeService
from bot.services.pitches import PitchService
from bot.services.policy import PolicyService
from bot.services.privacy import PrivacyService
from bot.services.registration import RegistrationService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.request_lists import RequestListService
from bot.services.review import ReviewService
from bot.services.users import UserService
from storage.repositories import Repositories

if TYPE_CHECKING:  # bot.config imports bot.services.matching (the weights' type)
    from bot.config import Settings


@dataclass(frozen=True, slots=True)
class Services:
    users: UserService
    organizers: OrganizerService
    registration: RegistrationService
    review: ReviewService
    pitches: PitchService
    briefs: BriefService
    offers: OfferService
    requests: RequestListService
    reminders: ReminderService
    links: LinkService
    groups: GroupService
    broadcasts: BroadcastService
    outcomes: OutcomeService
    ai_usage: AIUsageService
    policy: PolicyService
    privacy: PrivacyService
    campaigns: CampaignService
    reports: ReportService
    mine: MineService

    @classmethod
    def build(cls, repos: Repositories, settings: Settings, clock: Clock) -> Services:
        tz = settings.tz
        reminders = ReminderService(
            repos, clock, tz=tz, policy=settings.reminder_policy, quiet=settings.quiet_hours
        )
        pitches = PitchService(repos, clock, tz=tz, review=settings.review_pitches)
        offers = OfferService(
            repos,
            clock,
            tz=tz,
            offer_ttl=timedelta(hours=settings.offer_ttl_hours),
            weights=settings.match_weights,
            reminders=reminders,
        )
        return cls(
            users=UserService(repos, clock),
            organizers=OrganizerService(
                repos, clock, settings.organizer_ids, settings.invite_ttl_hours
            ),
            registration=RegistrationService(repos, clock),
            review=ReviewService(repos, clock),
            pitches=pitches,
            briefs=BriefService(repos, pitches),
            offers=offers,
            requests=RequestListService(repos, clock),
            reminders=reminders,
            links=LinkService(repos, clock, tz=tz),
            groups=GroupService(repos, clock),
            broadcasts=BroadcastService(repos, clock),
            outcomes=OutcomeService(repos, clock),
            ai_usage=AIUsageService(repos, clock, tz=tz),
            policy=PolicyService(repos, clock),
            privacy=PrivacyService(
                repos, clock, tz=tz, offers=offers, default_language=settings.default_language
            ),
            campaigns=CampaignService(repos, clock),
            reports=ReportService(repos, clock, tz=tz),
            mine=MineService(repos, clock),
        )
