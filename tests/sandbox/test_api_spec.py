"""The emulator's hand-written method table and its JSON output, checked against the Bot API spec.

The spec is read from ../shared/telegram-bot-api/api.json (or $TELEGRAM_API_SPEC) and is never
copied into the project. A misspelled parameter, a wrong type or required flag, a missing
required parameter, or a response field Telegram does not define makes these tests fail.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sandbox import Emulator
from sandbox.methods import METHODS, Method
from sandbox.params import Param
from tests.sandbox.conftest import RawApi

DEFAULT_SPEC = Path(__file__).resolve().parents[2].parent / "shared/telegram-bot-api/api.json"


def spec_path() -> Path:
    return Path(os.environ.get("TELEGRAM_API_SPEC") or DEFAULT_SPEC)


@cache
def load_spec() -> dict[str, Any]:
    path = spec_path()
    if not path.is_file():
        pytest.skip(
            f"api.json not found at {path}: the spec check needs ../shared/telegram-bot-api"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def method_problems(spec: dict[str, Any], method: Method) -> list[str]:
    """Every way the declaration of `method` disagrees with the spec."""
    spec_method = spec["methods"].get(method.name)
    if spec_method is None:
        return [f"{method.name}: not a Bot API method"]
    fields = {f["name"]: f for f in spec_method.get("fields", [])}
    problems = []
    declared: dict[str, Param] = {}
    for p in method.params:
        if p.name in declared:
            problems.append(f"{method.name}.{p.name}: declared twice")
        declared[p.name] = p
        field = fields.get(p.name)
        if field is None:
            problems.append(f"{method.name}.{p.name}: no such parameter in the spec")
            continue
        if set(p.types) != set(field["types"]):
            problems.append(
                f"{method.name}.{p.name}: declared types {sorted(p.types)}, "
                f"spec says {sorted(field['types'])}"
            )
        if p.required != field["required"]:
            problems.append(
                f"{method.name}.{p.name}: declared required={p.required}, "
                f"spec says required={field['required']}"
            )
    for name, field in fields.items():
        if field["required"] and name not in declared:
            problems.append(f"{method.name}.{name}: required by the spec but not declared")
    return problems


@pytest.mark.parametrize("name", sorted(METHODS))
def test_declared_method_matches_spec(name: str):
    problems = method_problems(load_spec(), METHODS[name])
    assert not problems, "\n".join(problems)


def test_checker_catches_drift():
    """The check above is only useful if it notices mistakes; prove it does."""
    spec = load_spec()
    good = METHODS["sendMessage"]
    typo = Method(good.name, (*good.params[:-1], Param("reply_makrup", ("String",))), good.handler)
    flipped = Method(
        good.name,
        tuple(
            Param(p.name, p.types, not p.required) if p.name == "text" else p for p in good.params
        ),
        good.handler,
    )
    missing = Method(good.name, tuple(p for p in good.params if p.name != "chat_id"), good.handler)
    retyped = Method(
        good.name,
        tuple(
            Param(p.name, ("Integer",), p.required) if p.name == "text" else p for p in good.params
        ),
        good.handler,
    )
    invented = Method("sendTelepathy", (), good.handler)
    assert any("reply_makrup: no such parameter" in p for p in method_problems(spec, typo))
    assert any("text: declared required=False" in p for p in method_problems(spec, flipped))
    assert any("chat_id: required by the spec" in p for p in method_problems(spec, missing))
    assert any("text: declared types" in p for p in method_problems(spec, retyped))
    assert method_problems(spec, invented) == ["sendTelepathy: not a Bot API method"]


# -- response shapes --------------------------------------------------------------------------

# Fields the emulator emits although the spec at hand lacks them, each for a stated reason.
EXTRA_FIELDS_ALLOWED = {
    # aiogram 3.31's model marks it required, so without it aiogram cannot parse admins.
    ("ChatMemberAdministrator", "can_send_welcome_messages"),
}


def shape_problems(spec: dict[str, Any], types: list[str], value: Any, path: str) -> list[str]:
    """Problems with `value` as one of `types`; empty if any alternative fits."""
    best: list[str] | None = None
    for type_name in types:
        problems = _check(spec, type_name, value, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    return best or [f"{path}: no type given"]


def _check(spec: dict[str, Any], type_name: str, value: Any, path: str) -> list[str]:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {type_name}, got {type(value).__name__}"]
        inner = type_name[len("Array of ") :]
        return [p for i, v in enumerate(value) for p in _check(spec, inner, v, f"{path}[{i}]")]
    primitive = {
        "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "String": lambda v: isinstance(v, str),
        "Boolean": lambda v: isinstance(v, bool),
        "True": lambda v: v is True,
    }
    if type_name in primitive:
        ok = primitive[type_name](value)
        return [] if ok else [f"{path}: expected {type_name}, got {value!r}"]
    definition = spec["types"].get(type_name)
    if definition is None:
        return [f"{path}: unknown type {type_name}"]
    if "subtypes" in definition:
        return shape_problems(spec, definition["subtypes"], value, path)
    if not isinstance(value, dict):
        return [f"{path}: expected {type_name} object, got {value!r}"]
    fields = {f["name"]: f for f in definition.get("fields", [])}
    problems = [
        f"{path}.{name}: required by {type_name} but missing"
        for name, f in fields.items()
        if f["required"] and name not in value
    ]
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            if (type_name, key) not in EXTRA_FIELDS_ALLOWED:
                problems.append(f"{path}.{key}: {type_name} has no such field")
        else:
            problems.extend(shape_problems(spec, field["types"], item, f"{path}.{key}"))
    return problems


async def test_responses_and_updates_match_spec_types(emu: Emulator, api: RawApi):
    """Drive many methods and user actions; every result must fit the spec's return type."""
    spec = load_spec()
    calls: list[tuple[str, Any]] = []

    async def call(method: str, **params: Any) -> Any:
        result = await api.ok(method, **params)
        calls.append((method, result))
        return result

    user = emu.user(1001, "Lan", last_name="Nguyen", username="lan", language_code="vi")
    owner = emu.user(1, "Owner")
    group = emu.group("Hanoi founders", username="hanoi_founders")
    await owner.add_bot_to(group, as_admin=True)
    await user.join(group)
    await user.send("/start https://in2spire.vn #tag @someone", chat=None)
    await user.send_sticker()
    await user.send_photo(caption="me")
    await user.send_document()
    await user.send_contact("+84901234567")
    await user.forward(text="news", from_chat_title="VnExpress")
    await user.forward(text="hi", from_user=owner)
    await user.forward(text="anon", sender_name="Someone")
    await user.block_bot()
    await user.unblock_bot()

    await call("getMe")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    sent = await call(
        "sendMessage",
        chat_id=1001,
        text="<b>Hi</b> <a href='tg://user?id=1'>owner</a>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    await call("sendMessage", chat_id=group.id, text="reply", reply_parameters={"message_id": 1})
    await call("editMessageText", chat_id=1001, message_id=sent["message_id"], text="Edited")
    await call(
        "editMessageReplyMarkup", chat_id=1001, message_id=sent["message_id"], reply_markup=markup
    )
    photo = await call("sendPhoto", chat_id=1001, photo="https://x.com/p.jpg")
    await call("editMessageCaption", chat_id=1001, message_id=photo["message_id"], caption="c")
    doc = await call("sendDocument", chat_id=1001, document="https://x.com/a.pdf", caption="doc")
    await call("getFile", file_id=doc["document"]["file_id"])
    await call("copyMessage", chat_id=group.id, from_chat_id=1001, message_id=sent["message_id"])
    await call("forwardMessage", chat_id=group.id, from_chat_id=1001, message_id=2)
    await call("pinChatMessage", chat_id=group.id, message_id=1)
    for chat_id in (1001, group.id):
        await call("getChat", chat_id=chat_id)
        await call("getChatMember", chat_id=chat_id, user_id=1001)
        await call("getChatMemberCount", chat_id=chat_id)
    await call("getChatMember", chat_id=group.id, user_id=1)
    await call("getChatMember", chat_id=group.id, user_id=emu.bot_id)
    await call("getChatAdministrators", chat_id=group.id)
    await call("setMyCommands", commands=[{"command": "start", "description": "Start"}])
    await call("getMyCommands")
    await call("setMyDescription", description="d")
    await call("getMyDescription")
    await call("getMyShortDescription")
    await call("getMyName")
    await call("getWebhookInfo")
    await call("sendChatAction", chat_id=1001, action="typing")
    await call("deleteMessage", chat_id=1001, message_id=sent["message_id"])
    await call("getUpdates")
    # A callback query update as well.
    user.drain()
    emu.world.new_callback(user.record, user.last_bot_message(), "go")
    await call("getUpdates")

    problems = []
    for method, result in calls:
        returns = spec["methods"][METHODS[method].name]["returns"]
        problems += shape_problems(spec, returns, result, method)
    assert not problems, "\n".join(problems)
    updates = [u for method, r in calls if method == "getUpdates" for u in r]
    kinds = {key for u in updates for key in u if key != "update_id"}
    assert {"message", "my_chat_member", "callback_query"} <= kinds
