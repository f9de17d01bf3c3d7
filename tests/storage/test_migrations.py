"""Alembic: every revision upgrades, downgrades and upgrades again (stairway), and
the models match what the migrations build (no autogenerate drift)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import create_engine
from storage.migrate import alembic_config, downgrade, upgrade
from storage.models import Base


def revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_stairway(db_url: str) -> None:
    revs = revisions(db_url)
    assert revs, "no migrations found"
    previous = "base"
    for rev in revs:
        await upgrade(db_url, rev)
        await downgrade(db_url, previous)
        await upgrade(db_url, rev)
        previous = rev


async def test_models_match_migrations(db_url: str) -> None:
    await upgrade(db_url)
    engine = create_engine(db_url, pool_size=1)

    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as conn:
            changes = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert changes == [], f"models and migrations differ: {changes}"
