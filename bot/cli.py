"""Command line: ``in2spire run`` and ``in2spire migrate`` (typer)."""

from __future__ import annotations

import asyncio

import typer

from bot.config import Settings, SettingsError, load_settings

app = typer.Typer(help="in2spire-bot: Vietnam's innovation ambassador network in Telegram.")


def _settings(*, require_token: bool) -> Settings:
    try:
        return load_settings(require_token=require_token)
    except SettingsError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(code=2) from None


@app.command()
def run(
    migrate: bool = typer.Option(True, help="Apply database migrations before starting."),
) -> None:
    """Start the bot (long polling, or a webhook server when WEBHOOK_URL is set)."""
    from bot.app import run as run_bot

    settings = _settings(require_token=True)
    asyncio.run(run_bot(settings, migrate=migrate))


@app.command()
def migrate(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Apply database migrations (creates the SQLite file if needed)."""
    from storage.migrate import upgrade

    settings = _settings(require_token=False)
    asyncio.run(upgrade(settings.database_url, revision))
    typer.echo(f"Database is at revision {revision}.")


def main() -> None:
    app(prog_name="in2spire")


if __name__ == "__main__":  # pragma: no cover
    main()
