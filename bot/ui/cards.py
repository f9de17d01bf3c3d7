"""Text of profile cards and questions (HTML; every user value escaped)."""

from __future__ import annotations

from collections.abc import Callable

from bot.errors import DomainError
from bot.i18n import Html, escape
from bot.provinces import get_province, region_label
from bot.reference import label, labels
from bot.services.forms import FormField, Kind, Profile, form_for
from bot.status_labels import PROFILE_STATUS_KEYS
from storage.dto import AmbassadorDTO, ChannelDTO

T = Callable[..., str]

#: Field name -> i18n key of its label (literal keys so the catalog check sees them).
FIELD_LABELS = {
    "company_name": "field.company_name",
    "sectors": "field.sectors",
    "stage": "field.stage",
    "province": "field.province",
    "website": "field.website",
    "description": "field.description",
    "contact_name": "field.contact_name",
    "phone": "field.phone",
    "email": "field.email",
    "needs": "field.needs",
    "display_name": "field.display_name",
    "channels": "field.channels",
    "topics": "field.topics",
    "regions": "field.regions",
    "languages": "field.languages",
    "capacity": "field.capacity",
}

#: Field name -> i18n key of the question that asks for it.
QUESTIONS = {
    "company_name": "ask.company_name",
    "sectors": "ask.sectors",
    "stage": "ask.stage",
    "province": "ask.province",
    "website": "ask.website",
    "description": "ask.description",
    "contact_name": "ask.contact_name",
    "phone": "ask.phone",
    "email": "ask.email",
    "needs": "ask.needs",
    "display_name": "ask.display_name",
    "channels": "ask.channel_platform",
    "topics": "ask.topics",
    "regions": "ask.regions",
    "languages": "ask.languages",
    "capacity": "ask.capacity",
}

STATUS_KEYS = PROFILE_STATUS_KEYS
ROLE_KEYS = {"startup": "role.name.startup", "ambassador": "role.name.ambassador"}


def error_message(t: T, lang: str, exc: DomainError) -> str:
    """The translated text of a domain error, with codes in its parameters shown as labels."""
    params = dict(exc.params)
    if isinstance(params.get("platform"), str):
        params["platform"] = label("platforms", params["platform"], lang)
    if isinstance(params.get("field"), str) and params["field"] in FIELD_LABELS:
        params["field"] = t(FIELD_LABELS[params["field"]])
    if isinstance(params.get("status"), str) and params["status"] in STATUS_KEYS:
        params["status"] = t(STATUS_KEYS[params["status"]])
    if isinstance(params.get("role"), str) and params["role"] in ROLE_KEYS:
        params["role"] = t(ROLE_KEYS[params["role"]])
    return t(exc.code, **params)


def field_labels(t: T) -> dict[str, str]:
    return {name: t(key) for name, key in FIELD_LABELS.items()}


def format_number(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "vi" else text


def channel_line(ch: ChannelDTO, lang: str) -> Html:
    parts = [escape(label("platforms", ch.platform, lang))]
    if ch.url:
        parts.append(escape(ch.url))
    parts.append(escape(format_number(ch.audience, lang)))
    return Html(" · ".join(parts))


def display_value(profile: Profile, field: FormField, lang: str, t: T) -> Html:
    """The value of one field as escaped HTML, or a dash / "skipped"."""
    if field.name in profile.skipped:
        return escape(t("value.skipped"))
    value = getattr(profile, field.name)
    if field.kind is Kind.CHANNELS:
        assert isinstance(profile, AmbassadorDTO)
        if not profile.channels:
            return Html("—")
        return Html(
            "".join(f"\n   {n}. {channel_line(c, lang)}" for n, c in enumerate(profile.channels, 1))
        )
    if value in (None, "", ()):
        return Html("—")
    if field.kind in (Kind.MULTI, Kind.SINGLE) and field.taxonomy:
        codes = value if isinstance(value, tuple) else (value,)
        return escape(labels(field.taxonomy, codes, lang))
    if field.kind is Kind.PROVINCE:
        province = get_province(value)
        return escape(province.label(lang) if province else value)
    if field.kind is Kind.REGIONS:
        return escape(", ".join(region_label(c, lang) for c in value))
    if field.kind is Kind.LONGTEXT:
        return Html("\n" + escape(value))
    return escape(value)


def profile_card(role: str, profile: Profile, lang: str, t: T) -> str:
    """Summary card shown to the person (and, with a header, to organizers)."""
    lines = [
        t("card.title", role=t(ROLE_KEYS[role])),
        t("card.status", status=t(STATUS_KEYS[profile.status])),
        "",
    ]
    for field in form_for(role):
        lines.append(
            t(
                "card.line",
                label=t(FIELD_LABELS[field.name]),
                value=display_value(profile, field, lang, t),
            )
        )
    if profile.status == "rejected" and profile.reject_reason:
        lines += ["", t("card.reject_reason", reason=profile.reject_reason)]
    return "\n".join(lines)


def review_card(
    role: str,
    profile: Profile,
    lang: str,
    t: T,
    *,
    applicant: str,
    changed_fields: tuple[str, ...] = (),
) -> str:
    header = t("review.card_header", role=t(ROLE_KEYS[role]), applicant=applicant, id=profile.id)
    parts = [header]
    if changed_fields:
        changed = ", ".join(t(FIELD_LABELS[f]) for f in changed_fields if f in FIELD_LABELS)
        parts.append(t("review.changed_fields", fields=changed))
    parts += ["", profile_card(role, profile, lang, t)]
    return "\n".join(parts)


def applicant_name(first_name: str | None, username: str | None, user_id: int) -> str:
    """A short human label for a person (plain text; escape when rendering)."""
    name = first_name or str(user_id)
    return f"{name} (@{username})" if username else f"{name} [{user_id}]"
