"""Parameter declaration and coercion.

Telegram accepts the same call as a JSON body, a urlencoded form, multipart form-data or a
query string. Everything except JSON arrives as strings, so each value is coerced by the type
the method declares for it (the Bot API's own type names, so the table can be checked against
the published spec). Unknown parameters are dropped, as Telegram ignores them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import bad_request

_INT_RE = re.compile(r"[+-]?\d+")
_PRIMITIVES = {"Integer", "String", "Boolean", "Float", "InputFile"}


@dataclass(frozen=True, slots=True)
class Upload:
    """A file that arrived as a multipart part."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Param:
    """One declared parameter. `types` uses the Bot API spelling, e.g. ("Integer", "String")."""

    name: str
    types: tuple[str, ...]
    required: bool = False
    missing: str | None = None  # reason used when a required value is absent
    allow_empty: bool = False  # required, but "" is meaningful (setWebhook url="")
    kind: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _kind_of(self.types))


def param(
    name: str,
    types: str,
    required: bool = False,
    *,
    missing: str | None = None,
    allow_empty: bool = False,
) -> Param:
    """Declare a parameter with the spec's notation: "Integer or String", "Array of String"."""
    return Param(name, tuple(types.split(" or ")), required, missing, allow_empty)


def _kind_of(types: tuple[str, ...]) -> str:
    kinds = set(types)
    if kinds == {"Integer"}:
        return "int"
    if kinds == {"String"}:
        return "str"
    if kinds == {"Boolean"}:
        return "bool"
    if kinds == {"Float"}:
        return "float"
    if kinds == {"Integer", "String"}:
        return "int_or_str"
    if "InputFile" in kinds:
        return "file"
    if all(t.startswith("Array of ") for t in kinds):
        return "array"
    if not kinds & _PRIMITIVES and not any(t.startswith("Array of ") for t in kinds):
        return "object"
    raise ValueError(f"unsupported parameter types {types}")


_JSON_LABELS = {"reply_markup": "reply keyboard markup"}


def _coerce(p: Param, value: Any, raw: Mapping[str, Any]) -> Any:
    kind = p.kind
    if kind == "int":
        return _to_int(p.name, value)
    if kind == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, Upload):
            raise bad_request(f"invalid {p.name} specified")
        return json.dumps(value, ensure_ascii=False) if not isinstance(value, int) else str(value)
    if kind == "bool":
        return _to_bool(p.name, value)
    if kind == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {p.name} specified") from None
    if kind == "int_or_str":
        if isinstance(value, bool):
            raise bad_request(f"invalid {p.name} specified")
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            s = value.strip()
            return int(s) if _INT_RE.fullmatch(s) else s
        raise bad_request(f"invalid {p.name} specified")
    if kind == "file":
        if isinstance(value, str) and value.startswith("attach://"):
            part = raw.get(value[len("attach://") :])
            if not isinstance(part, Upload):
                raise bad_request(f"wrong HTTP URL specified: attached file {value!r} not found")
            return part
        return value
    # object / array: JSON-encoded when it came through a form
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            label = _JSON_LABELS.get(p.name, p.name)
            raise bad_request(f"can't parse {label} JSON object") from None
    want = list if kind == "array" else dict
    if not isinstance(value, want):
        label = _JSON_LABELS.get(p.name, p.name)
        raise bad_request(f"can't parse {label} JSON object")
    return value


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        return int(value)
    raise bad_request(f"invalid {name} specified")


def _to_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
    raise bad_request(f"invalid {name} specified")


def parse_params(declared: tuple[Param, ...], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Coerce the declared parameters out of `raw`; absent optional ones are left out."""
    out: dict[str, Any] = {}
    for p in declared:
        value = raw.get(p.name)
        if value is None or (value == "" and not p.allow_empty):
            if p.required:
                raise bad_request(p.missing or f"{p.name} is empty")
            continue
        out[p.name] = _coerce(p, value, raw)
    return out
