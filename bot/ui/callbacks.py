"""One CallbackData class per feature. Everything in them is user-controlled:
handlers re-check every value against the server's own state."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LangCB(CallbackData, prefix="lang"):
    code: str


class ConsentCB(CallbackData, prefix="consent"):
    accept: bool


class RoleCB(CallbackData, prefix="role"):
    role: str


class FormCB(CallbackData, prefix="f"):
    """A registration answer button: pick / toggle / done / skip for ``field``."""

    action: str
    field: str
    value: str = ""


class ChannelCB(CallbackData, prefix="ch"):
    """Ambassador channel sub-form: platform / remove / add / done / nourl."""

    action: str
    value: str = ""


class ProfileCB(CallbackData, prefix="p"):
    """Summary card: edit (show fields) / field (edit one) / submit / back."""

    action: str
    field: str = ""


class ReviewCB(CallbackData, prefix="rv"):
    """Organizer decision on a profile: approve / reject."""

    action: str
    role: str
    id: int
