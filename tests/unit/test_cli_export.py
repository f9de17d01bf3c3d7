"""``in2spire export`` through typer's CliRunner on a seeded SQLite file (PostgreSQL
too when TEST_DATABASE_URL is set): a campaign by name or id, a period, XLSX and CSV
(a ZIP), and clear errors with exit codes (2 bad input, 1 unknown campaign)."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import DB_BACKENDS, PG_URL, reset_postgres

runner = CliRunner()


@pytest.fixture(params=DB_BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    else:
        assert PG_URL
        asyncio.run(reset_postgres(PG_URL))
        url = PG_URL
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ORGANIZER_IDS", "77")
    result = runner.invoke(app, ["seed-demo", "--size", "small"])
    assert result.exit_code == 0, result.output
    return tmp_path


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_export_xlsx_for_a_campaign_and_csv_for_a_period(seeded: Path) -> None:
    out = seeded / "techfest.xlsx"
    code, text = invoke("export", "--campaign", "1", "--format", "xlsx", "--out", str(out))
    assert code == 0, text
    assert f"Wrote {out}" in text
    book = load_workbook(out)
    assert len(book.worksheets) == 6 and book.worksheets[0].title == "Startup (khởi nghiệp)"
    assert book.worksheets[2].max_row > 1  # the campaign's requests
    by_name = seeded / "by-name.xlsx"
    code, text = invoke(
        "export", "--campaign", "tuần lễ đổi mới sáng tạo 2026", "--out", str(by_name)
    )
    assert code == 0, text
    assert load_workbook(by_name).worksheets[2].max_row > 1

    out = seeded / "all.zip"
    code, text = invoke(
        "export", "--from", "01/01/2020", "--to", "31/12/2030", "--format", "csv",
        "--out", str(out), "--lang", "en",
    )  # fmt: skip
    assert code == 0, text
    archive = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    assert len(archive.namelist()) == 6
    assert archive.read("links.csv").decode("utf-8-sig").startswith("ID,Request ID")


def test_export_errors(seeded: Path) -> None:
    out = str(seeded / "x.xlsx")
    code, text = invoke("export", "--campaign", "Không có", "--out", out)
    assert code == 1 and "no campaign" in text
    code, text = invoke("export", "--from", "32/01/2026", "--to", "01/02/2026", "--out", out)
    assert code == 2 and "--from" in text and "dd/mm/yyyy" in text
    code, text = invoke("export", "--from", "02/02/2026", "--to", "01/02/2026", "--out", out)
    assert code == 2 and "before" in text
    code, text = invoke("export", "--out", out)
    assert code == 2 and "--campaign" in text
    code, text = invoke("export", "--campaign", "1", "--format", "pdf", "--out", out)
    assert code == 2 and "xlsx or csv" in text
    assert not Path(out).exists()
