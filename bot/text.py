"""Small text helpers shared by the AI client and the template drafts."""

from __future__ import annotations


def cut_text(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary (unless that loses
    more than half) with an ellipsis; trailing spaces and separators go first."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:") + "…"
