"""Prompt files (``prompts/<name>.toml``): loaded, checked and rendered into chat
messages.

A prompt file holds ``name``, ``version``, ``description``, ``variables``, ``output``
("json" or "text"), ``system`` and ``user``; a JSON prompt adds ``schema`` (the JSON
schema of its output, as a JSON string) and a text prompt ``max_chars``.

Values never enter the instructions. ``render`` writes all of them as ONE JSON object
between ``<data>`` and ``</data>`` where the user part says ``{data}``; inside that
JSON ``<``, ``>`` and ``&`` are written ``\\u003c``, ``\\u003e`` and ``\\u0026`` (the
same string to any JSON reader), so a pitch cannot close the block or open another
one. The instructions refer to the values as ``data.<variable>``, and every declared
variable must be referred to (and nothing else): that is checked when loading.

The folder is ``prompts/`` of the checkout, or the installed ``prompts`` package data
(pyproject's package-data) when the checkout is not there.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

CHECKOUT_DIR = Path(__file__).resolve().parents[2] / "prompts"
OUTPUTS = ("json", "text")
DATA_PLACEHOLDER = "{data}"
DATA_OPEN, DATA_CLOSE = "<data>", "</data>"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_VERSION_RE = re.compile(r"^[A-Za-z0-9._-]{1,16}$")
_REFERENCE_RE = re.compile(r"\bdata\.([a-z_][a-z0-9_]*)")
_PLACEHOLDER_RE = re.compile(r"\{[a-z_][a-z0-9_]*\}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


class PromptError(ValueError):
    """A prompt file is missing or malformed."""


def data_block(values: dict[str, Any]) -> str:
    """``values`` as one JSON object between the data markers, markers escaped inside."""
    text = json.dumps(values, ensure_ascii=False, indent=2, default=str)
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return f"{DATA_OPEN}\n{text}\n{DATA_CLOSE}"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    description: str
    variables: tuple[str, ...]
    output: str
    system: str
    user: str
    schema: dict[str, Any] | None = None
    max_chars: int | None = None

    @property
    def marker(self) -> str:
        """First line of the system message: which prompt this is (for logs, servers)."""
        return f"[prompt {self.name} v{self.version}]"

    def render(self, values: dict[str, Any]) -> list[dict[str, str]]:
        """The chat messages (system, user) for these values; ValueError when a
        declared variable is missing or an undeclared one is given."""
        missing = [v for v in self.variables if v not in values]
        unexpected = sorted(set(values) - set(self.variables))
        if missing or unexpected:
            raise ValueError(
                f"prompt {self.name}: missing variables {missing}, unexpected {unexpected}"
            )
        ordered = {v: values[v] for v in self.variables}
        system = f"{self.marker}\n{self.system.strip()}"
        if self.schema is not None:
            schema = json.dumps(self.schema, ensure_ascii=False)
            system += (
                "\n\nReply with exactly one JSON object, no other text, matching this "
                f"JSON schema:\n{schema}"
            )
        user = self.user.strip().replace(DATA_PLACEHOLDER, data_block(ordered))
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def references(text: str) -> set[str]:
    """Variables a prompt text refers to (``data.<name>``)."""
    return set(_REFERENCE_RE.findall(text))


def _read(name: str) -> str:
    path = CHECKOUT_DIR / f"{name}.toml"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    try:
        return resources.files("prompts").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        raise PromptError(f"no prompt file for {name!r}") from None


def _text(raw: dict[str, Any], key: str, name: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PromptError(f"prompt {name}: {key} must be a non-empty string")
    return value


def parse_prompt(name: str, source: str) -> Prompt:
    """A checked ``Prompt`` from the TOML text of ``prompts/<name>.toml``."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"prompt {name}: {exc}") from None
    if raw.get("name") != name:
        raise PromptError(f"prompt {name}: name must be {name!r}")
    version = _text(raw, "version", name)
    if not _VERSION_RE.match(version):
        raise PromptError(f"prompt {name}: version must be 1-16 characters of A-Z 0-9 . _ -")
    variables = raw.get("variables")
    if (
        not isinstance(variables, list)
        or not all(isinstance(v, str) and _NAME_RE.match(v) for v in variables)
        or len(set(variables)) != len(variables)
    ):
        raise PromptError(f"prompt {name}: variables must be distinct lowercase names")
    output = raw.get("output")
    if output not in OUTPUTS:
        raise PromptError(f"prompt {name}: output must be json or text")
    system, user = _text(raw, "system", name), _text(raw, "user", name)
    if user.count(DATA_PLACEHOLDER) != 1 or DATA_PLACEHOLDER in system:
        raise PromptError(f"prompt {name}: the user part must hold {DATA_PLACEHOLDER} once")
    stray = _PLACEHOLDER_RE.findall(system + user.replace(DATA_PLACEHOLDER, ""))
    if stray:
        raise PromptError(f"prompt {name}: unknown placeholders {stray}")
    referred = references(system) | references(user)
    if referred != set(variables):
        raise PromptError(
            f"prompt {name}: variables {sorted(variables)} but the text refers to "
            f"{sorted(referred)}"
        )
    schema: dict[str, Any] | None = None
    max_chars: int | None = None
    if output == "json":
        try:
            schema = json.loads(_text(raw, "schema", name))
        except json.JSONDecodeError as exc:
            raise PromptError(f"prompt {name}: schema is not JSON ({exc})") from None
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise PromptError(f"prompt {name}: schema must describe a JSON object")
    else:
        max_chars = raw.get("max_chars")
        if not isinstance(max_chars, int) or not 1 <= max_chars <= 4096:
            raise PromptError(f"prompt {name}: max_chars must be 1-4096")
    return Prompt(
        name=name,
        version=version,
        description=_text(raw, "description", name),
        variables=tuple(variables),
        output=output,
        system=system,
        user=user,
        schema=schema,
        max_chars=max_chars,
    )


@cache
def load_prompt(name: str) -> Prompt:
    """The prompt ``prompts/<name>.toml``, read and checked once."""
    if not _NAME_RE.match(name):
        raise PromptError(f"bad prompt name {name!r}")
    return parse_prompt(name, _read(name))
