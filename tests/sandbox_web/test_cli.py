"""``in2spire sandbox`` and ``in2spire run`` without a token; the --host warning; the
start and stop lines (``serve``) — without starting a long-running process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.config import Settings
from sandbox import local
from sandbox.local import LocalSandbox, host_warning, is_loopback, page_url, serve


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_sandbox_help() -> None:
    result = CliRunner().invoke(cli.app, ["sandbox", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--fresh", "--demo", "--db"):
        assert option in result.output


def test_sandbox_command_passes_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(local, "run_sandbox", lambda *a, **kw: calls.append((a, kw)))
    result = CliRunner().invoke(
        cli.app, ["sandbox", "--port", "9000", "--demo", "--fresh", "--db", "x/s.db"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [
        ((Path("x/s.db"),), {"host": "127.0.0.1", "port": 9000, "fresh": True, "demo": True})
    ]


def test_run_mode_decision() -> None:
    with_token = settings(bot_token="123456789:AAtokenvalue")
    assert cli.run_mode(with_token, interactive=True) == "bot"
    assert cli.run_mode(with_token, interactive=False) == "bot"
    assert cli.run_mode(settings(bot_token=""), interactive=True) == "sandbox"
    # A server or a container without a token must fail, not idle in a sandbox.
    assert cli.run_mode(settings(bot_token=""), interactive=False) == "error"
    webhook = settings(bot_token="", webhook_url="https://x.vn/tg", webhook_secret="s")
    assert cli.run_mode(webhook, interactive=True) == "error"


def test_run_without_token_starts_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("BOT_TOKEN", "")
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    started: list[str] = []
    monkeypatch.setattr(local, "run_sandbox", lambda *a, **kw: started.append("sandbox"))
    result = CliRunner().invoke(cli.app, ["run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [cli.NO_TOKEN_LINE]
    assert started == ["sandbox"]
    monkeypatch.setattr(cli, "_interactive", lambda: False)
    result = CliRunner().invoke(cli.app, ["run"])
    assert result.exit_code == 2 and "@BotFather" in result.output
    assert "in2spire sandbox" in result.output and started == ["sandbox"]


def test_host_warning() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert is_loopback(host) and host_warning(host) is None
    for host in ("0.0.0.0", "192.168.1.5", "example.vn", "::"):
        warning = host_warning(host)
        assert warning is not None and warning.startswith("WARNING:") and host in warning
    assert page_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/"
    assert page_url("::1", 81) == "http://[::1]:81/"


class DrySandbox(LocalSandbox):
    """``serve``'s own behaviour, without binding anything."""

    started = False
    stopped = False

    async def start(self) -> str:
        self.started = True
        return page_url(self.host, self.port)

    async def stop(self) -> None:
        self.stopped = True


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
async def test_serve_prints_the_url_and_the_warning(
    tmp_path: Path, host: str, warned: bool
) -> None:
    lines: list[str] = []
    box = DrySandbox(tmp_path / "s.db", host=host, port=8080, out=lines.append)
    stop = asyncio.Event()
    stop.set()  # as Ctrl-C would
    await serve(box, stop)
    assert box.started and box.stopped
    assert lines[0].startswith("WARNING:") is warned
    ready = [line for line in lines if line.startswith("Sandbox ready")]
    assert ready == [
        f"Sandbox ready: open http://127.0.0.1:8080/  (bot @in2spire_sandbox_bot, "
        f"database {tmp_path / 's.db'})"
    ]
    assert lines[-1] == "Stopping the sandbox..."
