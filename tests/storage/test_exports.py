"""Exports (issue #7) on the small demo data set: for a campaign and for a period,
each entity's rows are those the report counts (the same scope rules), the workbook
opens with openpyxl (six sheets, bold frozen header, Vietnamese intact, local times),
the CSVs come in a ZIP (BOM, same rows), and an erased person is exported with the
anonymous name only."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import seed_demo
from bot.i18n import default_translator
from bot.services.exports import ExportScope, ExportService
from bot.services.reports import ReportService
from storage.models import Campaign, Link, RequestOutcome, Startup, User
from storage.repositories import Repositories
from storage.repositories.exports import COLUMNS, ENTITIES

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _service(session: AsyncSession) -> ExportService:
    return ExportService(ReportService(Repositories.bind(session), lambda: NOW, tz=TZ))


async def _expected(service: ExportService, scope: ExportScope) -> dict[str, int]:
    """Rows per entity as the report counts them."""
    q = service.reports.repos.reports
    s = scope.scope
    reg = await q.registrations(s)
    return {
        "startups": reg.startups,
        "ambassadors": reg.ambassadors,
        "requests": (await q.pitches(s)).total,
        "assignments": (await q.offers(s)).made,
        "links": sum(n for _, n in await q.links_by_platform(s)),
    }


@pytest.fixture
async def demo(sessionmaker: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    await seed_demo(sessionmaker, size="small", seed=3, now=NOW)
    return sessionmaker


@pytest.mark.postgres
async def test_xlsx_holds_the_rows_of_the_scope(demo: async_sessionmaker[AsyncSession]) -> None:
    async with demo() as session:
        service = _service(session)
        campaign_id = (await session.execute(select(Campaign.id).order_by(Campaign.id))).scalar()
        assert campaign_id is not None
        for scope in (
            await service.resolve("campaign", campaign_id),
            await service.resolve("quarter"),
            ExportScope(service.reports.scope(date(2020, 1, 1), date(2030, 12, 31)), "all"),
        ):
            expected = await _expected(service, scope)
            file = await service.build(scope, "xlsx", "vi")
            assert file.name == f"export-{scope.slug}.xlsx"
            book = load_workbook(io.BytesIO(file.data))
            t = default_translator().bind("vi")
            titles = [ws.title for ws in book.worksheets]
            assert titles == [t(f"export.sheet.{e}") for e in ENTITIES]
            for entity, ws in zip(ENTITIES, book.worksheets, strict=True):
                assert ws.max_row - 1 == file.counts[entity]
                assert ws.freeze_panes == "A2"
                assert ws["A1"].font.b
                assert ws.max_column == len(COLUMNS[entity])
            assert {e: file.counts[e] for e in expected} == expected
        everything = await _expected(service, scope)
        assert everything["links"] > 0 and everything["requests"] > 0

        # Vietnamese intact and local times: compare a link with the database.
        link = (await session.execute(select(Link).order_by(Link.id).limit(1))).scalar_one()
        company = (
            await session.execute(select(Startup.company_name).where(Startup.id == link.startup_id))
        ).scalar_one()
        links = list(book.worksheets[4].iter_rows(min_row=2, values_only=True))
        row = next(r for r in links if r[0] == link.id)
        assert row[2] == company and any(ord(ch) > 127 for ch in company or "")
        local = link.submitted_at.astimezone(TZ).replace(tzinfo=None)
        assert isinstance(row[6], datetime) and abs(row[6] - local) < timedelta(milliseconds=1)


async def test_csv_zip_and_erased_people(demo: async_sessionmaker[AsyncSession]) -> None:
    async with demo() as session, session.begin():
        # An erased startup: a tombstone user and the anonymous name only.
        startup = (
            await session.execute(
                select(Startup).where(Startup.status == "approved").order_by(Startup.id).limit(1)
            )
        ).scalar_one()
        await session.execute(update(User).where(User.id == startup.user_id).values(deleted_at=NOW))
        await session.execute(
            update(Startup)
            .where(Startup.id == startup.id)
            .values(company_name=f"Startup #{startup.id}", phone=None, email=None)
        )
    async with demo() as session:
        service = _service(session)
        scope = ExportScope(service.reports.scope(date(2020, 1, 1), date(2030, 12, 31)), "all")
        file = await service.build(scope, "csv", "en")
        assert file.name == "export-all.zip"
        archive = zipfile.ZipFile(io.BytesIO(file.data))
        assert archive.namelist() == [f"{e}.csv" for e in ENTITIES]
        for entity in ENTITIES:
            raw = archive.read(f"{entity}.csv")
            assert raw.startswith(b"\xef\xbb\xbf")
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
            assert len(rows) - 1 == file.counts[entity]
            assert rows[0][0] == "ID"
        startups = list(csv.reader(io.StringIO(archive.read("startups.csv").decode("utf-8-sig"))))
        erased = next(r for r in startups[1:] if r[0] == str(startup.id))
        assert erased[1] == f"Startup #{startup.id}" and erased[-1] == "yes"
        assert all(r[-1] == "no" for r in startups[1:] if r is not erased)
        # Local times as dd/mm/yyyy HH:MM.
        links = list(csv.reader(io.StringIO(archive.read("links.csv").decode("utf-8-sig"))))
        assert datetime.strptime(links[1][6], "%d/%m/%Y %H:%M")

        # Requests carry their outcome: labels when answered, "no answer yet" when
        # only asked, nothing when not asked; the note of an answer.
        outcomes = {
            o.request_id: o for o in (await session.execute(select(RequestOutcome))).scalars()
        }
        requests = list(csv.reader(io.StringIO(archive.read("requests.csv").decode("utf-8-sig"))))
        t = default_translator().bind("en")
        kind, note = COLUMNS["requests"].index("outcome"), COLUMNS["requests"].index("outcome_note")
        assert requests[0][kind] == "Outcome"
        seen = set()
        for row in requests[1:]:
            o = outcomes.get(int(row[0]))
            if o is None:
                assert (row[kind], row[note]) == ("", "")
            elif o.answered_at is None:
                assert (row[kind], row[note]) == ("asked, no answer yet", "")
                seen.add("waiting")
            else:
                labels = ", ".join(t(f"outcome.kind.{k}") for k in o.kinds)
                assert (row[kind], row[note]) == (labels, o.note or "")
                seen.add("several" if len(o.kinds) > 1 else "one")
        assert seen == {"waiting", "one", "several"}
