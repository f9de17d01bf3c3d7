"""``python -m bot`` runs the bot, like ``in2spire run``."""

from bot.cli import app

app(args=["run"], prog_name="in2spire")
