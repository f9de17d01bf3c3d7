"""Exports show status and reason codes as the labels the bot itself uses, in the
export's language (issue #7): profile, request, assignment and broadcast statuses and
decline reasons, in Vietnamese and in English, in the workbook and in the CSVs."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import seed_demo
from bot.i18n import default_translator
from bot.services.exports import CODE_KEYS, ExportScope, ExportService
from bot.services.reports import ReportService
from storage.models import (
    ASSIGNMENT_STATUS_CHECK,
    BROADCAST_STATUS_CHECK,
    PROFILE_STATUS_CHECK,
    REQUEST_STATUS_CHECK,
    Assignment,
    Broadcast,
    StoryRequest,
)
from storage.repositories import Repositories
from storage.repositories.exports import COLUMNS

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: (entity, column) of every code column, and the database column it comes from.
CODED = {
    ("startups", "status"): None,
    ("ambassadors", "status"): None,
    ("requests", "status"): StoryRequest.status,
    ("assignments", "status"): Assignment.status,
    ("assignments", "decline_reason"): Assignment.decline_reason,
    ("broadcasts", "status"): Broadcast.status,
}


def test_every_stored_code_has_a_label() -> None:
    """A status the database accepts but no label covers would reach the export raw."""
    assert set(CODE_KEYS) == set(CODED)
    checks = {
        ("startups", "status"): PROFILE_STATUS_CHECK,
        ("ambassadors", "status"): PROFILE_STATUS_CHECK,
        ("requests", "status"): REQUEST_STATUS_CHECK,
        ("assignments", "status"): ASSIGNMENT_STATUS_CHECK,
        ("broadcasts", "status"): BROADCAST_STATUS_CHECK,
    }
    for where, check in checks.items():
        allowed = set(re.findall(r"'([a-z_]+)'", check))
        assert allowed and allowed == set(CODE_KEYS[where]), where
    assert set(CODE_KEYS["assignments", "decline_reason"]) == {
        "no_time",
        "not_my_topic",
        "other",
        "released",
    }


@pytest.fixture
async def demo(sessionmaker: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    await seed_demo(sessionmaker, size="small", seed=3, now=NOW)
    async with sessionmaker() as session, session.begin():  # a few more broadcasts, each status
        for status in ("done", "stopped", "scheduled"):
            session.add(Broadcast(created_by=1, status=status, created_at=NOW, updated_at=NOW))
    return sessionmaker


def _service(session: AsyncSession) -> ExportService:
    return ExportService(ReportService(Repositories.bind(session), lambda: NOW, tz=TZ))


def _all(service: ExportService) -> ExportScope:
    return ExportScope(service.reports.scope(date(2020, 1, 1), date(2030, 12, 31)), "all")


@pytest.mark.postgres
async def test_status_columns_are_translated(demo: async_sessionmaker[AsyncSession]) -> None:
    async with demo() as session:
        service = _service(session)
        scope = _all(service)
        # The codes present in the database, by (entity, column).
        present: dict[tuple[str, str], set[str]] = {
            key: {"approved"} for key, column in CODED.items() if column is None
        }
        for key, column in CODED.items():
            if column is not None:
                found = await session.execute(select(column).distinct())
                present[key] = {v for v in found.scalars() if v is not None}
        # The demo data set has several of each, including an overdue story and a
        # story given back: the labels below are not vacuous.
        assert {"published", "overdue", "declined"} <= present["assignments", "status"]
        assert "released" in present["assignments", "decline_reason"]
        assert present["broadcasts", "status"] and present["requests", "status"]

        for lang in ("vi", "en"):
            t = default_translator().bind(lang)
            file = await service.build(scope, "xlsx", lang)
            book = load_workbook(io.BytesIO(file.data))
            zipped = zipfile.ZipFile(io.BytesIO((await service.build(scope, "csv", lang)).data))
            for (entity, column), codes in CODE_KEYS.items():
                index = COLUMNS[entity].index(column)
                sheet = book[t(f"export.sheet.{entity}")]
                cells = {row[index] for row in sheet.iter_rows(min_row=2, values_only=True)}
                text = zipped.read(f"{entity}.csv").decode("utf-8-sig")
                csv_cells = {row[index] for row in list(csv.reader(io.StringIO(text)))[1:]}
                labels = {t(codes[code]) for code in present[entity, column]}
                assert labels <= cells, (lang, entity, column)
                assert labels <= csv_cells, (lang, entity, column)
                # No raw code is left (a code that is also its own label excepted).
                raw = {c for c in present[entity, column] if t(codes[c]) != c}
                assert not raw & (cells | csv_cells), (lang, entity, column)
        # The two languages differ, so a status really is translated.
        vi, en = default_translator().bind("vi"), default_translator().bind("en")
        assert vi("assignment.status.overdue") != en("assignment.status.overdue")
        assert vi("status.approved") == "đã duyệt" and en("status.approved") == "approved"


async def test_an_unknown_code_is_shown_as_it_is(demo: async_sessionmaker[AsyncSession]) -> None:
    async with demo() as session:
        service = _service(session)
        t = default_translator().bind("en")
        convert = service._readable("broadcasts", "en", t, TZ)
        row = (1, "archived", None, None, None, None, 0, 0)
        assert convert(row)[1] == "archived"
        assert convert((1, "done", None, None, None, None, 0, 0))[1] == t("broadcast.status.done")
