"""Routers, included in this order (first match wins).

Each feature module exposes ``build_router()``, so every dispatcher (the bot, a
test, a restart inside one process) gets fresh routers.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    ai_brief,
    ai_usage,
    broadcasts,
    campaigns,
    common,
    drafts,
    errors,
    exports,
    fallback,
    group_registry,
    groups,
    links,
    mine,
    offers,
    outcomes,
    pitch,
    pitch_review,
    policy,
    privacy,
    profile,
    registration,
    reminders,
    reports,
    requests,
    review,
    start,
)


def build_root_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        errors.build_router(),  # typed error handlers
        group_registry.build_router(),  # the bot's groups: joins, titles, /tag, /groups
        groups.build_router(),  # groups: only /command@bot, nothing else
        common.build_router(),  # /cancel /help /language work in any state
        privacy.build_router(),  # /mydata /deleteme (and its confirmation) in any state
        start.build_router(),  # /start, language, consent, role
        review.build_router(),  # organizers' decisions; refusals for everyone else
        pitch_review.build_router(),  # organizers decide on pitches (+ refusals)
        broadcasts.build_router(),  # /broadcast /broadcasts, progress, reports; "Got it"
        requests.build_router(),  # /requests /assignments /pause /resume, request cards
        mine.build_router(),  # /myreport (startups) /mystats (ambassadors), leaderboard
        links.build_router(),  # /submit and the link card; /links /export (organizers)
        exports.build_router(),  # /export everything: scope, XLSX / CSV (organizers)
        ai_usage.build_router(),  # /ai_usage (organizers)
        policy.build_router(),  # /policy: policy themes across pitches (organizers)
        campaigns.build_router(),  # /campaigns, Move to campaign (organizers)
        reports.build_router(),  # /report for a campaign or a period (organizers)
        drafts.build_router(),  # Draft a post / Another version / Shorter (ambassadors)
        offers.build_router(),  # Accept / Decline / Ask, the question relay
        reminders.build_router(),  # Snooze / Can't do it on reminders, /settings
        outcomes.build_router(),  # what came of a request: ticks, a note, Done
        ai_brief.build_router(),  # a suggested brief: use / edit a field / keep own text
        pitch.build_router(),  # /pitch and its form
        profile.build_router(),  # /profile and the summary card
        registration.build_router(),  # the form conversation (state-driven)
        fallback.build_router(),  # hints for anything left
    )
    return root
