"""Repositories: the only code that builds queries. They never commit (the
per-update middleware owns the transaction) and return DTOs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.ai import AIRepo
from storage.repositories.broadcasts import BroadcastRepo
from storage.repositories.campaigns import CampaignRepo
from storage.repositories.candidates import CandidateRepo
from storage.repositories.groups import GroupRepo
from storage.repositories.jobs import JobRunRepo
from storage.repositories.links import LinkRepo
from storage.repositories.organizers import OrganizerRepo
from storage.repositories.outcomes import OutcomeRepo
from storage.repositories.privacy import PrivacyRepo
from storage.repositories.profiles import AmbassadorRepo, StartupRepo
from storage.repositories.reminders import ReminderRepo
from storage.repositories.report_subscriptions import ReportSubscriptionRepo
from storage.repositories.reports import ReportRepo
from storage.repositories.requests import AssignmentRepo, StoryRequestRepo
from storage.repositories.reviews import ReviewRepo
from storage.repositories.stats import StatsRepo
from storage.repositories.users import UserRepo


@dataclass(frozen=True, slots=True)
class Repositories:
    """All repositories bound to one session (one transaction)."""

    users: UserRepo
    organizers: OrganizerRepo
    startups: StartupRepo
    ambassadors: AmbassadorRepo
    reviews: ReviewRepo
    requests: StoryRequestRepo
    assignments: AssignmentRepo
    candidates: CandidateRepo
    reminders: ReminderRepo
    job_runs: JobRunRepo
    links: LinkRepo
    groups: GroupRepo
    broadcasts: BroadcastRepo
    outcomes: OutcomeRepo
    ai: AIRepo
    stats: StatsRepo
    privacy: PrivacyRepo
    campaigns: CampaignRepo
    reports: ReportRepo
    report_subscriptions: ReportSubscriptionRepo

    @classmethod
    def bind(cls, session: AsyncSession) -> Repositories:
        return cls(
            users=UserRepo(session),
            organizers=OrganizerRepo(session),
            startups=StartupRepo(session),
            ambassadors=AmbassadorRepo(session),
            reviews=ReviewRepo(session),
            requests=StoryRequestRepo(session),
            assignments=AssignmentRepo(session),
            candidates=CandidateRepo(session),
            reminders=ReminderRepo(session),
            job_runs=JobRunRepo(session),
            links=LinkRepo(session),
            groups=GroupRepo(session),
            broadcasts=BroadcastRepo(session),
            outcomes=OutcomeRepo(session),
            ai=AIRepo(session),
            stats=StatsRepo(session),
            privacy=PrivacyRepo(session),
            campaigns=CampaignRepo(session),
            reports=ReportRepo(session),
            report_subscriptions=ReportSubscriptionRepo(session),
        )


__all__ = [
    "AIRepo",
    "AmbassadorRepo",
    "AssignmentRepo",
    "BroadcastRepo",
    "CampaignRepo",
    "CandidateRepo",
    "GroupRepo",
    "LinkRepo",
    "OrganizerRepo",
    "PrivacyRepo",
    "ReportRepo",
    "ReportSubscriptionRepo",
    "Repositories",
    "ReviewRepo",
    "StartupRepo",
    "StatsRepo",
    "StoryRequestRepo",
    "UserRepo",
]
