"""Exports (issue #7): everything a scope holds (a campaign or a period, the same
scopes and rules as /report) as one XLSX workbook (one sheet per entity: startups,
ambassadors, requests, assignments, links, broadcasts) or as one CSV per entity
(sent together in a ZIP).

Rows come from ``storage/repositories/exports.py`` (scope rules defined with the
report's). Here they are made readable: provinces, needs, sectors and platforms as
labels in the organizer's language, yes/no translated, times as local times in
TIMEZONE (tz-naive datetimes in the workbook, ``dd/mm/yyyy HH:MM`` in CSV). Headers
are translated (en/vi). Building the workbook costs CPU, so it runs in a thread.
Knows nothing of Telegram.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import NotFound
from bot.i18n import default_translator
from bot.provinces import get_province
from bot.reference import label
from bot.services.reports import PERIODS, ReportService, local_period
from bot.status_labels import (
    ASSIGNMENT_STATUS_KEYS,
    BROADCAST_STATUS_KEYS,
    PROFILE_STATUS_KEYS,
    REQUEST_STATUS_KEYS,
    STORED_DECLINE_REASON_KEYS,
)
from bot.status_labels import (
    OUTCOME_KIND_KEYS as KIND_KEYS,
)
from bot.ui.csv_export import cell, csv_bytes
from storage.repositories.exports import COLUMNS, ENTITIES, ExportRepo
from storage.repositories.reports import ReportScope

T = Callable[..., str]
FORMATS = ("xlsx", "csv")
CSV_TIME = "%d/%m/%Y %H:%M"
#: Column width bounds (characters).
MIN_WIDTH, MAX_WIDTH = 6, 60

SHEET_KEYS = {
    "startups": "export.sheet.startups",
    "ambassadors": "export.sheet.ambassadors",
    "requests": "export.sheet.requests",
    "assignments": "export.sheet.assignments",
    "links": "export.sheet.links",
    "broadcasts": "export.sheet.broadcasts",
}
COLUMN_KEYS = {
    "id": "export.col.id",
    "company": "export.col.company",
    "province": "export.col.province",
    "sectors": "export.col.sectors",
    "stage": "export.col.stage",
    "needs": "export.col.needs",
    "status": "export.col.status",
    "approved_at": "export.col.approved_at",
    "deleted": "export.col.deleted",
    "name": "export.col.name",
    "regions": "export.col.regions",
    "topics": "export.col.topics",
    "languages": "export.col.languages",
    "capacity": "export.col.capacity",
    "startup_id": "export.col.startup_id",
    "need": "export.col.need",
    "campaign": "export.col.campaign",
    "submitted_at": "export.col.submitted_at",
    "deadline": "export.col.deadline",
    "wanted": "export.col.wanted",
    "accepted": "export.col.accepted",
    "outcome": "export.col.outcome",
    "outcome_at": "export.col.outcome_at",
    "outcome_note": "export.col.outcome_note",
    "request_id": "export.col.request_id",
    "ambassador_id": "export.col.ambassador_id",
    "ambassador": "export.col.ambassador",
    "offered_at": "export.col.offered_at",
    "answered_at": "export.col.answered_at",
    "published_at": "export.col.published_at",
    "decline_reason": "export.col.decline_reason",
    "platform": "export.col.platform",
    "url": "export.col.url",
    "late": "export.col.late",
    "sponsored": "export.col.sponsored",
    "check_status": "export.col.check_status",
    "title": "export.col.title",
    "created_at": "export.col.created_at",
    "scheduled_at": "export.col.scheduled_at",
    "started_at": "export.col.started_at",
    "finished_at": "export.col.finished_at",
    "sent": "export.col.sent",
    "failed": "export.col.failed",
}
#: Columns holding codes of a reference list (labels shown), one or a list.
_TAXONOMY = {
    "sectors": "sectors",
    "topics": "sectors",
    "needs": "needs",
    "need": "needs",
    "stage": "stages",
    "languages": "languages",
    "platform": "platforms",
}
_BOOLS = {"deleted", "late", "sponsored"}
#: Columns holding a status or reason code, shown as the label the bot itself uses
#: for it (``bot/status_labels.py``). An unknown code stays as is.
CODE_KEYS: dict[tuple[str, str], dict[str, str]] = {
    ("startups", "status"): PROFILE_STATUS_KEYS,
    ("ambassadors", "status"): PROFILE_STATUS_KEYS,
    ("requests", "status"): REQUEST_STATUS_KEYS,
    ("assignments", "status"): ASSIGNMENT_STATUS_KEYS,
    ("assignments", "decline_reason"): STORED_DECLINE_REASON_KEYS,
    ("broadcasts", "status"): BROADCAST_STATUS_KEYS,
}


@dataclass(slots=True)
class Sheet:
    """One entity: its title, translated header and readable rows."""

    entity: str
    title: str
    header: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportScope:
    """What the organizer chose, as a ``ReportScope`` and a file-name part."""

    scope: ReportScope
    slug: str


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str
    data: bytes
    #: Rows per entity.
    counts: dict[str, int]


def _province(code: str, lang: str) -> str:
    province = get_province(code)
    return province.label(lang) if province else code


def _labels(codes: dict[str, str], t: T) -> Callable[[Any], Any]:
    """A code column's converter: each code's label, translated once per export."""
    labels = {code: t(key) for code, key in codes.items()}
    return lambda v: labels.get(v, v) if isinstance(v, str) else v


class ExportService:
    def __init__(self, reports: ReportService) -> None:
        self.reports = reports
        self.tz = reports.tz

    # -- the scope -----------------------------------------------------------------

    async def resolve(self, kind: str, campaign_id: int = 0) -> ExportScope:
        """The scope of a /report-style choice: a campaign (by id) or a period."""
        if kind == "campaign":
            campaign = await self.reports.repos.campaigns.get(campaign_id)
            if campaign is None:
                raise NotFound("campaign.error.gone")
            scope = self.reports.scope(campaign.starts_on, campaign.ends_on, campaign.id)
            return ExportScope(scope, f"campaign-{campaign.id}")
        if kind in PERIODS:
            today = self.reports.clock().astimezone(self.tz).date()
            first, last = local_period(kind, today)
            return ExportScope(self.reports.scope(first, last), f"{kind}-{first:%Y%m%d}")
        raise NotFound("error.not_found")

    # -- the rows ------------------------------------------------------------------

    def _readable(
        self, entity: str, lang: str, t: T, tz: ZoneInfo
    ) -> Callable[..., tuple[Any, ...]]:
        yes, no = t("export.yes"), t("export.no")
        converters: list[Callable[[Any], Any]] = []
        for column in COLUMNS[entity]:
            if column == "outcome":
                converters.append(_outcome_labels(t))
                continue
            codes = CODE_KEYS.get((entity, column))
            if codes is not None:
                converters.append(_labels(codes, t))
            else:
                converters.append(self._converter(column, lang, tz, yes, no))

        # Only the columns that change are converted: a large export has ~1 million
        # cells, and a call per cell shows in benchmarks/reports.py.
        changing = [(i, f) for i, f in enumerate(converters) if f is not _same]

        def convert(row: tuple[Any, ...]) -> tuple[Any, ...]:
            values = list(row)
            for i, f in changing:
                values[i] = f(values[i])
            return tuple(values)

        return convert

    @staticmethod
    def _converter(column: str, lang: str, tz: ZoneInfo, yes: str, no: str) -> Callable[[Any], Any]:
        def local(value: Any) -> Any:
            if not isinstance(value, datetime):
                return value
            if value.tzinfo is None:  # stored UTC
                value = value.replace(tzinfo=ZoneInfo("UTC"))
            return value.astimezone(tz).replace(tzinfo=None)

        if column.endswith("_at") or column == "deadline":
            return local
        if column in _BOOLS:
            return lambda v: None if v is None else (yes if v else no)
        if column == "province":
            return lambda v: _province(v, lang) if v else v
        if column == "regions":
            return lambda v: ", ".join(_province(c, lang) for c in v or ())
        if column in _TAXONOMY:
            kind = _TAXONOMY[column]
            if column in ("sectors", "topics", "needs", "languages"):
                return lambda v: ", ".join(label(kind, c, lang) for c in v or ())
            return lambda v: label(kind, v, lang) if v else v
        return _same

    async def sheet(
        self, entity: str, scope: ReportScope, lang: str, tz: ZoneInfo | None = None
    ) -> Sheet:
        """One entity's rows in scope, readable (read in chunks)."""
        t = default_translator().bind(lang)
        convert = self._readable(entity, lang, t, tz or self.tz)
        repo = ExportRepo(self.reports.repos.reports.session)
        sheet = Sheet(entity, t(SHEET_KEYS[entity]), [t(COLUMN_KEYS[c]) for c in COLUMNS[entity]])
        async for chunk in repo.chunks(entity, scope):
            sheet.rows.extend(convert(row) for row in chunk)
        return sheet

    async def sheets(
        self, scope: ReportScope, lang: str, tz: ZoneInfo | None = None
    ) -> list[Sheet]:
        """Every entity's rows in scope, readable, in sheet order."""
        return [await self.sheet(entity, scope, lang, tz) for entity in ENTITIES]

    # -- the files -----------------------------------------------------------------

    async def export_xlsx(self, scope: ReportScope, lang: str, tz: ZoneInfo | None = None) -> bytes:
        sheets = await self.sheets(scope, lang, tz)
        return await asyncio.to_thread(xlsx_bytes, sheets)

    async def export_csv(
        self, scope: ReportScope, lang: str, tz: ZoneInfo | None = None
    ) -> dict[str, bytes]:
        """One CSV per entity, by file name (``startups.csv``...)."""
        sheets = await self.sheets(scope, lang, tz)
        return {f"{s.entity}.csv": sheet_csv(s) for s in sheets}

    async def build(
        self, scope: ExportScope, fmt: str, lang: str, tz: ZoneInfo | None = None
    ) -> ExportFile:
        """The file sent for ``fmt``: a workbook, or the CSVs in a ZIP."""
        if fmt not in FORMATS:
            raise NotFound("error.not_found")
        sheets = await self.sheets(scope.scope, lang, tz)
        counts = {s.entity: len(s.rows) for s in sheets}
        if fmt == "xlsx":
            data = await asyncio.to_thread(xlsx_bytes, sheets)
        else:
            files = {f"{s.entity}.csv": sheet_csv(s) for s in sheets}
            data = await asyncio.to_thread(zip_bytes, files)
        return ExportFile(f"export-{scope.slug}.{'xlsx' if fmt == 'xlsx' else 'zip'}", data, counts)


def _same(value: Any) -> Any:
    """The converter of a column shown as stored."""
    return value


def _outcome_labels(t: T) -> Callable[[Any], Any]:
    """A request's outcome: the kinds ticked as labels, "asked, no answer yet", or
    empty when not asked (``storage/repositories/exports.py``)."""
    waiting = t("export.outcome.waiting")

    def convert(kinds: tuple[str, ...] | None) -> str | None:
        if kinds is None:
            return None
        if not kinds:
            return waiting
        return ", ".join(t(KIND_KEYS[k]) if k in KIND_KEYS else k for k in kinds)

    return convert


def _csv_value(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime(CSV_TIME)
    return cell(value)


def sheet_csv(sheet: Sheet) -> bytes:
    return csv_bytes(sheet.header, ([_csv_value(v) for v in row] for row in sheet.rows))


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    return len(str(value))


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with one sheet per entity: bold frozen header, sized columns, local
    times as dates. Write-only (rows streamed to the file, not kept as cells); dates
    keep openpyxl's own format (yyyy-mm-dd h:mm:ss): a styled cell per date cost 13%
    of the time of a 100,000-row export (benchmarks/reports.py). lxml, when
    installed (it is a dependency), makes openpyxl write another 13% faster."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        widths = [len(h) for h in sheet.header]
        for row in sheet.rows[:500]:  # a sample is enough to size the columns
            for i, value in enumerate(row):
                widths[i] = max(widths[i], _width(value))
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(MIN_WIDTH, min(MAX_WIDTH, w + 2))
        ws.freeze_panes = "A2"
        header = []
        for text in sheet.header:
            c = WriteOnlyCell(ws, value=text)
            c.font = bold
            header.append(c)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_xlsx_text(v) if isinstance(v, str) else v for v in row])
    return _save_fast(book)


def _save_fast(book: Any) -> bytes:
    """``book.save`` with the quickest deflate level: openpyxl's default (6) spent
    ~10% of a 100,000-row export compressing; level 1 takes a third of that for a
    file ~15% larger (what openpyxl's ``save_workbook`` does, with our archive)."""
    from openpyxl.writer.excel import ExcelWriter

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1) as zf:
        ExcelWriter(book, zf).save()
    return out.getvalue()


def _xlsx_text(text: str) -> str | None:
    """Text cells stay text: a leading '=' would be stored as a formula. An empty
    text is no cell at all (openpyxl skips None without building a cell)."""
    if not text:
        return None
    return "'" + text if text.startswith("=") else text


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]
