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


class PrivacyCB(CallbackData, prefix="pv"):
    """/deleteme's Confirm / Cancel: ``uid`` who asked, ``at`` when (Unix seconds).
    Re-checked: only that person, and only for a while (``handlers/privacy.py``)."""

    action: str
    uid: int
    at: int


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


class PitchCB(CallbackData, prefix="pf"):
    """A pitch answer button: pick / toggle / done / skip for ``field``."""

    action: str
    field: str
    value: str = ""


class PitchCardCB(CallbackData, prefix="pc"):
    """The pitch summary card: edit / field / submit / discard / back."""

    action: str
    id: int
    field: str = ""


class PitchReviewCB(CallbackData, prefix="pr"):
    """An organizer's decision on a pitch: approve / reject."""

    action: str
    id: int


class OfferCB(CallbackData, prefix="of"):
    """An ambassador's answer to an offer: accept / decline / ask / reason."""

    action: str
    id: int
    value: str = ""


class QuestionCB(CallbackData, prefix="q"):
    """The startup's Reply button under a relayed question (assignment id)."""

    id: int


class RequestCB(CallbackData, prefix="rq"):
    """Request lists and cards: list (page, filter) / show / cancel / candidates /
    assign / withdraw (assignment id in ``target``); a startup's own request:
    own_cancel (ask) / own_cancel_yes (confirmed)."""

    action: str
    id: int = 0
    page: int = 0
    flt: str = ""
    target: int = 0


class AssignmentsCB(CallbackData, prefix="as"):
    """The ambassador's /assignments list: a page."""

    page: int


class ReminderCB(CallbackData, prefix="rm"):
    """Buttons on a reminder: snooze / release (ask) / release_yes (confirmed)."""

    action: str
    id: int


class SettingsCB(CallbackData, prefix="st"):
    """/settings: the reminder mode (normal / silent / digest)."""

    mode: str


class LinkCB(CallbackData, prefix="ln"):
    """Link submission: start (assignment id) and the confirmation card's buttons."""

    action: str
    id: int = 0
    value: str = ""


class GroupCB(CallbackData, prefix="gr"):
    """The group registry (organizers): page / show / confirm / leave / tags.

    ``id`` is the group's row id (never the chat id); ``page`` is the list page to
    return to. Every press is re-checked: organizers only, and the group must exist.
    """

    action: str
    id: int = 0
    page: int = 0


class BroadcastCB(CallbackData, prefix="bc"):
    """Broadcasts (organizers): the draft card (part / tags / tag / opt / preview /
    edit / send / go / schedule / at / discard / card), the list (list / cancel /
    stop / halt / report / csv). ``id`` is the broadcast's id; ``value`` a part,
    tag, option, page, timestamp or CSV kind. Every press is re-checked: organizers
    only, and the broadcast must be in the state the action needs."""

    action: str
    id: int = 0
    value: str = ""


class AckCB(CallbackData, prefix="ack"):
    """ "Got it" under a broadcast message: anyone who sees it may press. Checked
    against the delivery row of that exact chat and message."""

    id: int


class BriefCB(CallbackData, prefix="bf"):
    """A suggested brief under /pitch: use / own / edit (list fields) / field / back.
    ``id`` is the request; every press re-checks it is this person's draft."""

    action: str
    id: int
    field: str = ""


class DraftCB(CallbackData, prefix="dp"):
    """Draft a post on an accepted assignment: new / again (another version) /
    shorter. ``id`` is the assignment; re-checked: this ambassador's, accepted."""

    action: str
    id: int


class CampaignCB(CallbackData, prefix="cmp"):
    """Campaigns (organizers): list / new / activate / deactivate (``id`` the campaign),
    move (list campaigns for request ``req``) / to (move ``req`` to campaign ``id``, 0:
    none). Every press is re-checked: organizers only, the campaign and request exist."""

    action: str
    id: int = 0
    req: int = 0


class OutcomeCB(CallbackData, prefix="oc"):
    """What came of a request: toggle (``kind``) / note / done. ``id`` is the request;
    re-checked: the request of this person's startup, already asked."""

    action: str
    id: int
    kind: str = ""


class ReportCB(CallbackData, prefix="rpt"):
    """/report (organizers): the scope chosen, ``kind`` campaign (``id``) / month /
    30d / quarter. Re-checked: organizers only, the campaign exists."""

    kind: str
    id: int = 0


class ExportCB(CallbackData, prefix="ex"):
    """/export, everything (organizers): ``scope`` (the scope question), ``fmt`` (the
    format question for ``kind`` campaign ``id`` / month / 30d / quarter), ``go``
    (send it as ``fmt`` xlsx / csv). Re-checked: organizers only, the campaign
    exists, the kind and format are known."""

    action: str
    kind: str = ""
    id: int = 0
    fmt: str = ""


class MineCB(CallbackData, prefix="mine"):
    """/mystats: ``action`` "lb" toggles the leaderboard opt-in. Re-checked: the
    approved ambassador who pressed, for themself only."""

    action: str
