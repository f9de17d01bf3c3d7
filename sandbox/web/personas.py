"""The people the sandbox's page can act as.

The organizer (id 700000001) is always there; new persons get ids from 700000100
upward; with ``--demo``, two approved startups and two approved ambassadors of the demo
data set join them. The registry is kept in ``<db>.personas.json`` next to the
database, so a restart keeps everyone (chat history itself lives in the emulator's
memory and starts empty).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sandbox.web.strings import text

log = logging.getLogger("sandbox")

ORGANIZER_ID = 700_000_001
ORGANIZER_FIRST_NAME = "Thu Hà"
FIRST_PERSON_ID = 700_000_100
LANGUAGES = ("vi", "en")
ROLES = ("organizer", "demo-startup", "demo-ambassador", "person")
NAME_MAX = 64


class PersonaError(ValueError):
    """Bad input for a persona: ``key`` and ``params`` are shown to the page in its
    language (``str()`` is the English text, for logs)."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(text("en", key, **params))
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Persona:
    id: int
    name: str  # as shown in the page
    lang: str
    role: str
    #: The Telegram first name (a demo persona's name also names its company).
    first_name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "lang": self.lang, "role": self.role}

    @property
    def telegram_name(self) -> str:
        return self.first_name or self.name


#: The role shows as a translated badge beside the name, so the name is only the name.
ORGANIZER = Persona(ORGANIZER_ID, ORGANIZER_FIRST_NAME, "vi", "organizer", ORGANIZER_FIRST_NAME)


def personas_path(db: Path) -> Path:
    """``data/sandbox.db`` -> ``data/sandbox.personas.json``."""
    return db.with_name(f"{db.stem}.personas.json")


def clean_name(value: object) -> str:
    if not isinstance(value, str):
        raise PersonaError("sandbox.error.name_not_text")
    name = " ".join(value.split())
    if not name:
        raise PersonaError("sandbox.error.name_empty")
    if len(name) > NAME_MAX:
        raise PersonaError("sandbox.error.name_too_long", limit=NAME_MAX)
    if any(not c.isprintable() for c in name):
        raise PersonaError("sandbox.error.name_control")
    return name


class PersonaRegistry:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._items: dict[int, Persona] = {ORGANIZER.id: ORGANIZER}

    def load(self) -> None:
        """Read the saved personas (a missing or unreadable file: the organizer only)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("sandbox: ignoring unreadable %s: %s", self.path, exc)
            return
        for item in data.get("personas", []) if isinstance(data, dict) else []:
            try:
                persona = Persona(
                    id=int(item["id"]),
                    name=clean_name(item["name"]),
                    lang=item["lang"] if item.get("lang") in LANGUAGES else "vi",
                    role=item["role"] if item.get("role") in ROLES else "person",
                    first_name=str(item.get("first_name") or ""),
                )
            except (KeyError, TypeError, ValueError):
                continue
            if persona.id != ORGANIZER.id and persona.id > 0:
                self._items[persona.id] = persona

    def save(self) -> None:
        others = [asdict(p) for p in self._items.values() if p.id != ORGANIZER.id]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(
            json.dumps({"personas": others}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(tmp, self.path)

    def all(self) -> list[Persona]:
        return list(self._items.values())

    def get(self, persona_id: int) -> Persona | None:
        return self._items.get(persona_id)

    def create(self, name: object, lang: object) -> Persona:
        """A new person (role "person"), saved at once."""
        if lang not in LANGUAGES:
            raise PersonaError("sandbox.error.bad_lang")
        taken = [p.id for p in self._items.values() if p.id >= FIRST_PERSON_ID]
        next_id = max(taken, default=FIRST_PERSON_ID - 1) + 1
        persona = Persona(next_id, clean_name(name), str(lang), "person")
        self._items[persona.id] = persona
        self.save()
        return persona

    def add(self, persona: Persona) -> bool:
        """Add a ready persona (the demo's) unless one has its id; True if added."""
        if persona.id in self._items:
            return False
        self._items[persona.id] = persona
        self.save()
        return True
