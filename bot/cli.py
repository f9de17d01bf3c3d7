"""Command line (typer): ``in2spire run``, ``sandbox``, ``migrate``, and the server admin's
commands: ``admin organizers add|remove|list``, ``stats`` and ``seed-demo``.

Each admin command opens the database from ``DATABASE_URL``, does its work in one
transaction through the services or repositories, prints a short answer (tables via
rich) and exits non-zero on an error: 1 for a refusal (unknown id, a non-empty
database), 2 for bad input or configuration.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from bot.config import BOTFATHER_HELP, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.services import Services
    from storage.repositories import Repositories

T = TypeVar("T")

app = typer.Typer(help="in2spire-bot: Vietnam's innovation ambassador network in Telegram.")
admin_app = typer.Typer(help="Administration for the person who runs the server.")
organizers_app = typer.Typer(help="Organizers stored in the database (and ORGANIZER_IDS).")
admin_app.add_typer(organizers_app, name="organizers")
app.add_typer(admin_app, name="admin")

console = Console(highlight=False)


def _settings(*, require_token: bool) -> Settings:
    try:
        return load_settings(require_token=require_token)
    except SettingsError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(code=2) from None


#: What ``in2spire run`` (``make run``) prints when it starts the sandbox instead.
NO_TOKEN_LINE = "No BOT_TOKEN: starting the local sandbox; set BOT_TOKEN to run the real bot"


def run_mode(settings: Settings, *, interactive: bool) -> str:
    """What ``in2spire run`` starts: "bot" with a token; "sandbox" without one, when a
    person runs it in a terminal; "error" otherwise (a server or container without a
    token, or one configured for a webhook, must fail loudly, not idle in a sandbox)."""
    if settings.bot_token:
        return "bot"
    if interactive and not settings.webhook_url:
        return "sandbox"
    return "error"


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


@app.command()
def run(
    migrate: bool = typer.Option(True, help="Apply database migrations before starting."),
) -> None:
    """Start the bot (long polling, or a webhook server when WEBHOOK_URL is set);
    without BOT_TOKEN, in a terminal, the local sandbox (see `in2spire sandbox`)."""
    settings = _settings(require_token=False)
    mode = run_mode(settings, interactive=_interactive())
    if mode == "sandbox":
        from sandbox.local import run_sandbox

        typer.echo(NO_TOKEN_LINE)
        run_sandbox()
        return
    if mode == "error":
        raise _fail(
            f"Configuration error: {BOTFATHER_HELP} To try the bot without a token, run "
            "`in2spire sandbox`.",
            2,
        )
    from bot.app import run as run_bot

    asyncio.run(run_bot(settings, migrate=migrate))


@app.command()
def sandbox(
    port: int = typer.Option(8080, help="Port of the sandbox page.", min=0, max=65535),
    host: str = typer.Option(
        "127.0.0.1", help="Address to listen on; anything but loopback prints a WARNING."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Start with an empty database."),
    demo: bool = typer.Option(
        False, "--demo", help="Load the small demo data set (into an empty database)."
    ),
    db: Path = typer.Option(
        Path("data/sandbox.db"), "--db", help="The sandbox's own SQLite database file."
    ),
) -> None:
    """The local sandbox: the Bot API emulator, the real bot polling it and a chat page
    (http://127.0.0.1:8080) to act as organizer, startups and ambassadors. Its own
    database; never DATABASE_URL or BOT_TOKEN."""
    from sandbox.local import run_sandbox

    run_sandbox(db, host=host, port=port, fresh=fresh, demo=demo)


@app.command()
def migrate(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Apply database migrations (creates the SQLite file if needed)."""
    from storage.migrate import upgrade

    settings = _settings(require_token=False)
    asyncio.run(upgrade(settings.database_url, revision))
    typer.echo(f"Database is at revision {revision}.")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=code)


async def _schema_problem(url: str) -> str | None:
    """Why the database cannot be used yet (not migrated to head), or None."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection

    from storage.db import create_engine
    from storage.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())

    def current(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            at = await conn.run_sync(current)
    finally:
        await engine.dispose()
    if at == heads:
        return None
    where = ", ".join(sorted(at)) or "empty"
    return (
        f"The database is not migrated (it is at {where}, the code needs "
        f"{', '.join(sorted(heads))}): run `in2spire migrate` first."
    )


async def _with_db(
    settings: Settings, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    from storage.db import create_engine, create_sessionmaker

    problem = await _schema_problem(settings.database_url)
    if problem:
        raise _fail(problem)
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        return await work(create_sessionmaker(engine))
    finally:
        await engine.dispose()


async def _in_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    """Run ``work`` with the services bound to one transaction (committed on success)."""
    from bot.clock import system_clock
    from bot.services import Services
    from storage.repositories import Repositories

    async def run(sessionmaker: async_sessionmaker[AsyncSession]) -> T:
        async with sessionmaker.begin() as session:
            services = Services.build(Repositories.bind(session), settings, system_clock)
            return await work(services)

    return await _with_db(settings, run)


# ------------------------------------------------------------------ admin organizers


@organizers_app.command("add")
def organizers_add(
    user_id: int = typer.Argument(..., metavar="ID", help="Telegram user id."),
    by: int | None = typer.Option(None, "--by", metavar="ID", help="Who added them."),
) -> None:
    """Make a Telegram user an organizer (stored in the database)."""
    from bot.services.organizers import AddResult

    settings = _settings(require_token=False)
    try:
        result = asyncio.run(_in_services(settings, lambda s: s.organizers.add(user_id, by=by)))
    except ValueError as exc:
        raise _fail(f"Error: {exc}.", 2) from None
    if result is AddResult.ADDED:
        typer.echo(f"Added {user_id} as an organizer.")
    elif result is AddResult.ALREADY:
        typer.echo(f"{user_id} is already an organizer; nothing changed.")
    else:
        typer.echo(f"{user_id} is an organizer already through ORGANIZER_IDS; nothing stored.")


@organizers_app.command("remove")
def organizers_remove(
    user_id: int = typer.Argument(..., metavar="ID", help="Telegram user id."),
) -> None:
    """Take a stored organizer away (ORGANIZER_IDS ones live in the environment)."""
    from bot.services.organizers import RemoveResult

    settings = _settings(require_token=False)
    try:
        result = asyncio.run(_in_services(settings, lambda s: s.organizers.remove(user_id)))
    except ValueError as exc:
        raise _fail(f"Error: {exc}.", 2) from None
    if result is RemoveResult.REMOVED:
        typer.echo(f"Removed organizer {user_id}.")
    elif result is RemoveResult.CONFIGURED:
        raise _fail(
            f"{user_id} is an organizer through ORGANIZER_IDS (the configuration): remove it "
            "from ORGANIZER_IDS in the environment or .env and restart the bot."
        )
    else:
        raise _fail(f"{user_id} is not an organizer.")


@organizers_app.command("list")
def organizers_list() -> None:
    """Every organizer: from ORGANIZER_IDS and stored (invited or added here)."""
    settings = _settings(require_token=False)
    entries = asyncio.run(_in_services(settings, lambda s: s.organizers.entries()))
    if not entries:
        typer.echo(
            "No organizers yet: set ORGANIZER_IDS, or run `in2spire admin organizers add ID`."
        )
        return
    table = Table("id", "name", "source", "added (UTC)", "by")
    for entry in entries:
        record = entry.record
        sources = [s for s, on in (("ORGANIZER_IDS", entry.configured), ("stored", record)) if on]
        name = ""
        if record is not None:
            name = " ".join(
                x
                for x in (record.first_name, f"@{record.username}" if record.username else "")
                if x
            )
        table.add_row(
            str(entry.user_id),
            name,
            " + ".join(sources),
            record.created_at.strftime("%Y-%m-%d %H:%M") if record and record.created_at else "",
            str(record.invited_by) if record and record.invited_by else "",
        )
    console.print(table)
    typer.echo(f"{len(entries)} organizer(s).")


# ------------------------------------------------------------------ stats


@app.command()
def stats() -> None:
    """Counts of members, requests, assignments, links, groups, broadcasts, campaigns."""
    from storage.repositories.stats import Counts, StatsRepo

    settings = _settings(require_token=False)

    async def gather(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Counts]:
        async with sessionmaker.begin() as session:
            return await StatsRepo(session).all()

    counts = asyncio.run(_with_db(settings, gather))
    table = Table("what", "total", "details")
    for name, count in counts.items():
        details = ", ".join(f"{part} {n:,}" for part, n in count.parts)
        table.add_row(name, f"{count.total:,}", details)
    console.print(table)


# ------------------------------------------------------------------ seed-demo


@app.command("seed-demo")
def seed_demo(
    size: str = typer.Option("small", help="small (~40 startups), medium or large."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same data."),
    fresh: bool = typer.Option(False, "--fresh", help="Delete existing data first."),
    yes: bool = typer.Option(
        False, "--yes", help="With --fresh: do not stop at a non-empty database."
    ),
) -> None:
    """Fill the database with a realistic demo data set in Vietnamese (migrates first)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.clock import system_clock
    from bot.demo import SIZES, DemoSummary, nonempty_tables
    from bot.demo import seed_demo as run_seed
    from storage.db import create_engine, create_sessionmaker
    from storage.migrate import upgrade

    if size not in SIZES:
        raise _fail(f"Error: unknown --size {size!r}: choose small, medium or large.", 2)
    settings = _settings(require_token=False)

    async def run() -> DemoSummary:
        await upgrade(settings.database_url)
        engine = create_engine(settings.database_url, pool_size=2)
        try:
            sessionmaker = create_sessionmaker(engine)
            tables = await nonempty_tables(sessionmaker)
            if tables and not fresh:
                raise _fail(
                    f"The database already holds data ({', '.join(tables)}): nothing was "
                    "added. Use --fresh to delete it first (organizers are kept)."
                )
            if tables and not yes:
                raise _fail(
                    f"--fresh would delete the data in {', '.join(tables)}. Run again with "
                    "--fresh --yes if that is what you want."
                )
            with Progress(
                TextColumn("{task.description:<12}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                tasks: dict[str, object] = {}

                def progress(what: str, done: int, total: int) -> None:
                    if what not in tasks:
                        tasks[what] = bar.add_task(what, total=total or 1)
                    bar.update(tasks[what], completed=done if total else 1)  # type: ignore[arg-type]

                return await run_seed(
                    sessionmaker,
                    size=size,
                    seed=seed,
                    now=system_clock(),
                    fresh=bool(tables),
                    progress=progress,
                )
        finally:
            await engine.dispose()

    summary = asyncio.run(run())
    counts = summary.counts()
    typer.echo(
        f"Seeded the {size} demo data set (seed {seed}) in {summary.seconds:.1f} s: "
        + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        + "."
    )


# ------------------------------------------------------------------ export


def _parse_day(value: str, option: str) -> date:
    from datetime import datetime

    from bot.services.campaigns import DATE_FORMAT

    try:
        return datetime.strptime(value.strip(), DATE_FORMAT).date()
    except ValueError:
        raise _fail(f"Error: {option} {value!r} is not a date dd/mm/yyyy.", 2) from None


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="The file to write (.xlsx, or .zip for CSV)."),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx (one sheet per entity) or csv (a ZIP)."),
    campaign: str | None = typer.Option(None, help="A campaign, by name or id."),
    date_from: str | None = typer.Option(None, "--from", help="First day, dd/mm/yyyy (local)."),
    date_to: str | None = typer.Option(None, "--to", help="Last day, dd/mm/yyyy (local)."),
    lang: str = typer.Option("vi", help="Language of the headers and labels: vi or en."),
) -> None:
    """Export startups, ambassadors, requests, assignments, links and broadcasts for a
    campaign or a period (the /report scope rules) as XLSX or CSV files in a ZIP."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.clock import system_clock
    from bot.services.exports import (
        FORMATS,
        ExportScope,
        ExportService,
        sheet_csv,
        xlsx_bytes,
        zip_bytes,
    )
    from bot.services.reports import ReportService
    from storage.repositories import Repositories
    from storage.repositories.exports import ENTITIES

    if fmt not in FORMATS:
        raise _fail(f"Error: unknown --format {fmt!r}: choose xlsx or csv.", 2)
    if lang not in ("vi", "en"):
        raise _fail(f"Error: unknown --lang {lang!r}: choose vi or en.", 2)
    if campaign is None and (date_from is None or date_to is None):
        raise _fail("Error: give --campaign NAME|ID, or --from and --to (dd/mm/yyyy).", 2)
    if campaign is not None and (date_from or date_to):
        raise _fail("Error: give either --campaign or --from/--to, not both.", 2)
    first = _parse_day(date_from, "--from") if date_from else None
    last = _parse_day(date_to, "--to") if date_to else None
    if first and last and last < first:
        raise _fail("Error: --to is before --from.", 2)
    settings = _settings(require_token=False)

    async def run(
        sessionmaker: async_sessionmaker[AsyncSession],
    ) -> tuple[bytes, dict[str, int]]:
        async with sessionmaker() as session:
            repos = Repositories.bind(session)
            exports = ExportService(ReportService(repos, system_clock, tz=settings.tz))
            if campaign is not None:
                found = await _find_campaign(repos, campaign)
                if found is None:
                    raise _fail(f"Error: no campaign {campaign!r}.")
                scope = await exports.resolve("campaign", found)
            else:
                assert first and last
                slug = f"{first:%Y%m%d}-{last:%Y%m%d}"
                scope = ExportScope(exports.reports.scope(first, last), slug)
            with Progress(
                TextColumn("{task.description:<12}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("reading", total=len(ENTITIES) + 1)
                sheets = []
                for entity in ENTITIES:
                    bar.update(task, description=entity)
                    sheets.append(await exports.sheet(entity, scope.scope, lang))
                    bar.advance(task)
                bar.update(task, description="writing")
                if fmt == "xlsx":
                    data = xlsx_bytes(sheets)
                else:
                    data = zip_bytes({f"{s.entity}.csv": sheet_csv(s) for s in sheets})
                bar.advance(task)
            return data, {s.entity: len(s.rows) for s in sheets}

    data, counts = asyncio.run(_with_db(settings, run))
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise _fail(f"Error: cannot write {out}: {exc.strerror or exc}.") from None
    typer.echo(
        f"Wrote {out} ({out.stat().st_size:,} bytes): "
        + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        + "."
    )


async def _find_campaign(repos: Repositories, name_or_id: str) -> int | None:
    """A campaign's id by its id or its name (whatever the case)."""
    campaigns = await repos.campaigns.all()
    wanted = name_or_id.strip()
    for c in campaigns:
        if wanted.isdigit() and c.id == int(wanted):
            return c.id
    for c in campaigns:
        if c.name.casefold() == wanted.casefold():
            return c.id
    return None


def main() -> None:
    app(prog_name="in2spire")


if __name__ == "__main__":  # pragma: no cover
    main()
