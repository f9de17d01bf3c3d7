"""Human-readable dumps for failed expectations: what happened in the chat, and what the bot did."""

from __future__ import annotations

import time

from sandbox.events import EventStream
from sandbox.models import ChatRecord
from sandbox.world import World


def describe_timeout(w: World, chat: ChatRecord, stream: EventStream | None, headline: str) -> str:
    now = time.monotonic()
    lines = [headline, f"Chat: {chat.label()}"]
    if stream is not None and stream.events:
        pending = ", ".join(f"{e.kind} #{e.message.message_id}" for e in stream.events[:10])
        lines.append(f"Unconsumed events for this user: {pending}")
    lines.append("Recent activity in this chat (oldest first):")
    if chat.log:
        lines.extend(f"  {at - now:+7.2f}s  {line}" for at, line in chat.log)
    else:
        lines.append("  (nothing)")
    others = [e for e in w.recent_errors if now - e[0] < 30][-5:]
    if others:
        lines.append("Recent Bot API errors (any chat):")
        lines.extend(
            f"  {at - now:+7.2f}s  {method} chat={ref}: {desc}" for at, method, ref, desc in others
        )
    lines.append(bot_activity(w))
    return "\n".join(lines)


def bot_activity(w: World) -> str:
    now = time.monotonic()
    if w.last_request is None:
        seen = "the bot has made no API request yet"
    else:
        at, method = w.last_request
        seen = f"last bot request {now - at:.2f}s ago ({method})"
    hook = w.delivery.webhook
    mode = f"webhook {hook.url}" if hook else "getUpdates"
    if hook is None and w.delivery.last_poll is not None:
        mode += f" (last poll {now - w.delivery.last_poll:.2f}s ago)"
    return f"Bot: {seen}; delivery via {mode}; pending updates: {w.delivery.pending_count}"
