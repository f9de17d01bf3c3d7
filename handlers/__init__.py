"""Routers, included in this order (first match wins)."""

from __future__ import annotations

from aiogram import Router

from handlers import common, errors, fallback, groups, profile, registration, review, start


def build_root_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        errors.router,  # typed error handlers
        groups.router,  # groups: only /command@bot, nothing else
        common.router,  # /cancel /help /language work in any state
        start.router,  # /start, language, consent, role
        review.router,  # organizers only (router-level filter)
        review.refusals,  # everyone else pressing Approve/Reject
        profile.router,  # /profile and the summary card
        registration.router,  # the form conversation (state-driven)
        fallback.router,  # hints for anything left
    )
    return root
