"""The two registration forms as data: which fields, in which order, of which kind.

One generic conversation (``handlers/registration.py``) walks these
definitions, so asking, validating, skipping and "edit a field" work the same
way for every field and both roles. Pure domain code: no Telegram, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot import validators
from bot.errors import InvalidInput
from bot.provinces import resolve_province, suggest_provinces
from storage.dto import AmbassadorDTO, StartupDTO

Profile = StartupDTO | AmbassadorDTO

DESCRIPTION_MAX = 1000
NAME_MAX = 100
CAPACITY_MIN, CAPACITY_MAX = 1, 50


class Kind(StrEnum):
    TEXT = "text"  # one line of free text
    LONGTEXT = "longtext"  # a paragraph
    SINGLE = "single"  # one taxonomy item, buttons
    MULTI = "multi"  # several taxonomy items, toggle buttons + Done
    PROVINCE = "province"  # one of the 34 units, buttons or typed with aliases
    REGIONS = "regions"  # several provinces, or nationwide
    URL = "url"
    PHONE = "phone"
    EMAIL = "email"
    CHANNELS = "channels"  # sub-conversation: platform, URL, audience, add another
    NUMBER = "number"  # stories per month
    DEADLINE = "deadline"  # preset buttons (days) or a typed date
    COUNT = "count"  # a small number: buttons 1..10 or typed


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    kind: Kind
    taxonomy: str | None = None
    max_len: int = NAME_MAX
    optional: bool = False
    #: Editing this field on an approved profile sends the profile back to review:
    #: it changes who the person claims to be or how far they reach (name, site,
    #: description, channels). Everything else (contacts, topics, capacity, ...)
    #: applies at once.
    review: bool = False


STARTUP_FORM: tuple[FormField, ...] = (
    FormField("company_name", Kind.TEXT, review=True),
    FormField("sectors", Kind.MULTI, taxonomy="sectors"),
    FormField("stage", Kind.SINGLE, taxonomy="stages"),
    FormField("province", Kind.PROVINCE),
    FormField("website", Kind.URL, max_len=2048, optional=True, review=True),
    FormField("description", Kind.LONGTEXT, max_len=DESCRIPTION_MAX, review=True),
    FormField("contact_name", Kind.TEXT),
    FormField("phone", Kind.PHONE, optional=True),
    FormField("email", Kind.EMAIL, optional=True),
    FormField("needs", Kind.MULTI, taxonomy="needs"),
)

AMBASSADOR_FORM: tuple[FormField, ...] = (
    FormField("display_name", Kind.TEXT, review=True),
    FormField("channels", Kind.CHANNELS, review=True),
    FormField("topics", Kind.MULTI, taxonomy="sectors"),
    FormField("regions", Kind.REGIONS),
    FormField("languages", Kind.MULTI, taxonomy="languages"),
    FormField("capacity", Kind.NUMBER),
)

FORMS = {"startup": STARTUP_FORM, "ambassador": AMBASSADOR_FORM}
MAX_CHANNELS = 10


def form_for(role: str) -> tuple[FormField, ...]:
    return FORMS[role]


def get_field(role: str, name: str) -> FormField:
    for f in FORMS[role]:
        if f.name == name:
            return f
    raise KeyError(name)


def value_of(profile: Profile, field: FormField) -> Any:
    return getattr(profile, field.name)


def is_answered(profile: Profile, field: FormField) -> bool:
    if field.name in profile.skipped:
        return True
    if field.kind is Kind.CHANNELS:
        return (
            isinstance(profile, AmbassadorDTO) and profile.channels_done and bool(profile.channels)
        )
    value = value_of(profile, field)
    return value not in (None, "", ())


def can_skip(profile: Profile, field: FormField) -> bool:
    """Optional fields can be skipped; phone and email cannot both be skipped."""
    if not field.optional:
        return False
    if field.name == "email" and isinstance(profile, StartupDTO):
        return bool(profile.phone)
    return True


def next_field(profile: Profile, role: str) -> FormField | None:
    for f in FORMS[role]:
        if not is_answered(profile, f):
            return f
    return None


def contact_missing(profile: Profile) -> bool:
    return isinstance(profile, StartupDTO) and not (profile.phone or profile.email)


def parse_text_answer(field: FormField, text: str) -> Any:
    """Validate and normalize typed text for ``field``; raise InvalidInput otherwise."""
    match field.kind:
        case Kind.TEXT:
            return validators.clean_name(text, max_len=field.max_len)
        case Kind.LONGTEXT:
            return validators.clean_text(text, max_len=field.max_len, field=field.name)
        case Kind.URL:
            return validators.normalize_url(text)
        case Kind.PHONE:
            return validators.normalize_phone(text)
        case Kind.EMAIL:
            return validators.normalize_email(text)
        case Kind.NUMBER:
            return validators.parse_capacity(text)
        case Kind.PROVINCE | Kind.REGIONS:
            return province_code(text)
        case _:
            raise InvalidInput("error.use_buttons")


def province_code(text: str) -> str:
    """A typed province (aliases allowed); unknown: InvalidInput with close names."""
    province = resolve_province(text)
    if province is None:
        hints = ", ".join(p.vi for p in suggest_provinces(text, limit=3))
        raise InvalidInput("error.province_unknown", suggestions=hints or "-")
    return province.code
