"""The admin command line through typer's CliRunner, against a real database
(a temporary SQLite file; PostgreSQL too when TEST_DATABASE_URL is set):
``admin organizers add|remove|list``, ``stats`` and ``seed-demo``'s refusals."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import DB_BACKENDS, PG_URL, reset_postgres

runner = CliRunner()


@pytest.fixture(params=DB_BACKENDS)
def cli_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL of an empty database (not migrated); ORGANIZER_IDS=77."""
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    else:
        assert PG_URL
        asyncio.run(reset_postgres(PG_URL))
        url = PG_URL
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ORGANIZER_IDS", "77")
    return url


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def migrated(cli_url: str) -> str:
    code, out = invoke("migrate")
    assert code == 0, out
    return cli_url


def test_an_unmigrated_database_is_named(cli_url: str) -> None:
    code, out = invoke("admin", "organizers", "list")
    assert code == 1
    assert "in2spire migrate" in out
    code, out = invoke("stats")
    assert code == 1
    assert "not migrated" in out


def test_organizers_add_list_remove(migrated: str) -> None:
    code, out = invoke("admin", "organizers", "list")
    assert code == 0, out
    assert "77" in out and "ORGANIZER_IDS" in out and "1 organizer" in out

    code, out = invoke("admin", "organizers", "add", "123", "--by", "77")
    assert (code, out.strip()) == (0, "Added 123 as an organizer.")
    code, out = invoke("admin", "organizers", "add", "123")
    assert code == 0 and "already an organizer" in out
    code, out = invoke("admin", "organizers", "add", "77")
    assert code == 0 and "through ORGANIZER_IDS" in out

    code, out = invoke("admin", "organizers", "list")
    assert code == 0
    lines = [line for line in out.splitlines() if "123" in line]
    assert len(lines) == 1 and "stored" in lines[0] and "77" in lines[0]
    assert "2 organizer(s)." in out

    code, out = invoke("admin", "organizers", "remove", "77")
    assert code == 1
    assert "ORGANIZER_IDS" in out and "environment" in out
    code, out = invoke("admin", "organizers", "remove", "123")
    assert (code, out.strip()) == (0, "Removed organizer 123.")
    code, out = invoke("admin", "organizers", "remove", "123")
    assert code == 1 and "123 is not an organizer." in out
    code, out = invoke("admin", "organizers", "list")
    assert "123" not in out and "1 organizer(s)." in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "--", "-5"), "not a Telegram user id"),
        (("add", "0"), "not a Telegram user id"),
        (("add", "5", "--by", "0"), "not a Telegram user id"),
        (("remove", "abc"), "integer"),
        (("add", str(2**60)), "not a Telegram user id"),
    ],
)
def test_bad_ids_are_refused(migrated: str, args: tuple[str, ...], expected: str) -> None:
    code, out = invoke("admin", "organizers", *args)
    assert code == 2
    assert expected in out
    code, out = invoke("admin", "organizers", "list")
    assert "1 organizer(s)." in out  # nothing stored


def test_stats_on_an_empty_and_a_seeded_database(migrated: str) -> None:
    code, out = invoke("stats")
    assert code == 0, out
    for name in ("users", "startups", "ambassadors", "requests", "assignments", "links",
                 "groups", "broadcasts", "campaigns"):  # fmt: skip
        assert name in out

    code, out = invoke("seed-demo", "--seed", "3")
    assert code == 0, out
    assert "Seeded the small demo data set (seed 3)" in out
    assert "40 startups" in out and "120 requests" in out and "320 assignments" in out

    code, out = invoke("stats")
    assert code == 0, out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 2}
    assert "│ 120 " in rows["users"] and "startup 40" in rows["users"]
    assert "│ 320 " in rows["assignments"] and "published" in out
    assert "│ 380 " in rows["links"] and "late" in rows["links"]
    assert "│ 2 " in rows["campaigns"] and "active 1" in rows["campaigns"]


def test_seed_demo_refuses_a_database_with_data(migrated: str) -> None:
    code, out = invoke("admin", "organizers", "add", "123")
    assert code == 0
    # Organizers alone do not count as data.
    code, out = invoke("seed-demo")
    assert code == 0, out

    code, out = invoke("seed-demo")
    assert code == 1
    assert "already holds data" in out and "--fresh" in out
    code, out = invoke("seed-demo", "--fresh")
    assert code == 1
    assert "--fresh --yes" in out
    code, out = invoke("seed-demo", "--fresh", "--yes", "--seed", "2")
    assert code == 0, out
    assert "(seed 2)" in out

    code, out = invoke("admin", "organizers", "list")
    assert "123" in out  # --fresh keeps the organizers


def test_seed_demo_bad_size(migrated: str) -> None:
    code, out = invoke("seed-demo", "--size", "huge")
    assert code == 2
    assert "small, medium or large" in out
