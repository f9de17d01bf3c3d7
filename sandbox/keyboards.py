"""reply_markup validation and normalisation, with the Bot API's error wording.

The normalised form keeps only known, non-null fields so that "message is not modified"
comparisons do not depend on how a client library happened to serialise the markup.
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_INLINE_EXTRA = ("icon_custom_emoji_id", "style")
_REPLY_BUTTON_FIELDS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
    "icon_custom_emoji_id",
    "style",
)
_REPLY_OPTIONS = (
    "is_persistent",
    "resize_keyboard",
    "one_time_keyboard",
    "input_field_placeholder",
    "selective",
)
MAX_BUTTONS = 100
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://")


def normalize_markup(markup: dict[str, Any], *, inline_only: bool = False) -> dict[str, Any]:
    """Validate any of the four reply_markup kinds and return its normalised form."""
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _inline_rows(markup["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        out: dict[str, Any] = {"keyboard": _reply_rows(markup["keyboard"])}
        for key in _REPLY_OPTIONS:
            if markup.get(key) is not None:
                out[key] = markup[key]
        return out
    if "remove_keyboard" in markup:
        if markup["remove_keyboard"] is not True:
            raise bad_request("remove_keyboard must be true in ReplyKeyboardRemove")
        return {k: markup[k] for k in ("remove_keyboard", "selective") if k in markup}
    if "force_reply" in markup:
        if markup["force_reply"] is not True:
            raise bad_request("force_reply must be true in ForceReply")
        keys = ("force_reply", "input_field_placeholder", "selective")
        return {k: markup[k] for k in keys if markup.get(k) is not None}
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_rows(rows: Any, field: str, kind: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(f'field "{field}" of the {kind} should be an Array of Arrays')
    if sum(len(r) for r in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")


def _inline_rows(rows: Any) -> list[list[dict[str, Any]]]:
    _check_rows(rows, "inline_keyboard", "InlineKeyboardMarkup")
    return [[_inline_button(b) for b in row] for row in rows if row]


def _inline_button(button: Any) -> dict[str, Any]:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    actions = [k for k in INLINE_ACTIONS if button.get(k) is not None]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(
            prefix + "exactly one of the optional fields must be used to specify type of the button"
        )
    action = actions[0]
    value = button[action]
    if action == "callback_data":
        if not isinstance(value, str) or not 1 <= len(value.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url" and (not isinstance(value, str) or not _valid_button_url(value)):
        raise bad_request(f"inline keyboard button URL '{value}' is invalid: Wrong HTTP URL")
    out = {"text": text, action: value}
    for key in _INLINE_EXTRA:
        if button.get(key) is not None:
            out[key] = button[key]
    return out


def _valid_button_url(url: str) -> bool:
    if not url or any(c.isspace() for c in url):
        return False
    lower = url.lower()
    if lower.startswith(_URL_SCHEMES):
        return len(url.split("://", 1)[1]) > 0
    if "://" in url or ":" in url.split("/", 1)[0]:
        return False
    host = url.split("/", 1)[0]
    return "." in host and not host.startswith(".") and not host.endswith(".")


def _reply_rows(rows: Any) -> list[list[dict[str, Any]]]:
    _check_rows(rows, "keyboard", "ReplyKeyboardMarkup")
    out = []
    for row in rows:
        new_row = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            if not button["text"]:
                raise bad_request("keyboard button text must be non-empty")
            new_row.append(
                {"text": button["text"]}
                | {k: button[k] for k in _REPLY_BUTTON_FIELDS if button.get(k) is not None}
            )
        if new_row:
            out.append(new_row)
    if not out:
        raise bad_request("keyboard must be non-empty")
    return out
