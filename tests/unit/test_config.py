from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.services.matching import MatchWeights

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    for name in ("BOT_TOKEN", "ORGANIZER_IDS", "DATABASE_URL", "WEBHOOK_URL", "WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name in ("API_KEY", "BASE_URL", "MODEL", "TIMEOUT", "MAX_RETRIES"):
        monkeypatch.delenv(f"OPENAI_{name}", raising=False)


def test_defaults() -> None:
    s = load_settings()
    assert s.database_url == "sqlite+aiosqlite:///data/in2spire.db"
    assert s.default_language == "vi"
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.organizer_ids == ()
    assert s.telegram_api_base == "https://api.telegram.org"


def test_organizer_ids_parsed_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGANIZER_IDS", "111, 9007199254740993;42")
    assert load_settings().organizer_ids == (111, 9007199254740993, 42)


@pytest.mark.parametrize(
    ("env", "value", "named"),
    [
        ("ORGANIZER_IDS", "12,abc", "ORGANIZER_IDS"),
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE"),
        ("WEBHOOK_LISTEN", "8080", "WEBHOOK_LISTEN"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("MAX_CONCURRENT_UPDATES", "zero", "MAX_CONCURRENT_UPDATES"),
        ("MATCH_WEIGHTS", "topic=lots", "MATCH_WEIGHTS"),
        ("MATCH_WEIGHTS", "charisma=3", "MATCH_WEIGHTS"),
        ("MATCH_WEIGHTS", "region=-1", "MATCH_WEIGHTS"),
        ("OFFER_TTL_HOURS", "0", "OFFER_TTL_HOURS"),
        ("REVIEW_PITCHES", "perhaps", "REVIEW_PITCHES"),
        ("BROADCAST_RATE", "0", "BROADCAST_RATE"),
        ("BROADCAST_PAID_RATE", "1001", "BROADCAST_PAID_RATE"),
        ("BROADCAST_PAID", "maybe", "BROADCAST_PAID"),
        ("OPENAI_BASE_URL", "localhost:11434/v1", "OPENAI_BASE_URL"),
        ("OPENAI_TIMEOUT", "0.5", "OPENAI_TIMEOUT"),
        ("OPENAI_TIMEOUT", "600", "OPENAI_TIMEOUT"),
        ("OPENAI_MAX_RETRIES", "3", "OPENAI_MAX_RETRIES"),
        ("OPENAI_PRICE_INPUT", "-1", "OPENAI_PRICE_INPUT"),
        ("OPENAI_PRICE_OUTPUT", "cheap", "OPENAI_PRICE_OUTPUT"),
        ("OPENAI_API_KEY", "sk two words", "OPENAI_API_KEY"),
    ],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, named: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert str(exc.value).startswith(named)
    assert "\n" not in str(exc.value)


def test_match_weights_override_only_what_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCH_WEIGHTS", "topic=5, region=0.5")
    weights = load_settings().match_weights
    assert (weights.topic, weights.region) == (5.0, 0.5)
    assert weights.audience == MatchWeights().audience
    monkeypatch.delenv("MATCH_WEIGHTS")
    assert load_settings().match_weights == MatchWeights()


def test_webhook_requires_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.vn/tg")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings()


def test_missing_token_explains_botfather() -> None:
    with pytest.raises(SettingsError, match="@BotFather"):
        load_settings(require_token=True)


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_cli_run_without_token_exits_2_with_instructions(tmp_path: Path) -> None:
    result = run_cli(["run"], {}, tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr
    assert "@BotFather" in result.stderr


def test_cli_bad_setting_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_cli(["migrate"], {"ORGANIZER_IDS": "x"}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ORGANIZER_IDS: must be Telegram user ids separated by commas"
    ]


def test_cli_migrate_creates_database(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "bot.db"
    result = run_cli(["migrate"], {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_broadcast_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().broadcast_ceiling == 29
    monkeypatch.setenv("BROADCAST_PAID", "true")
    monkeypatch.setenv("BROADCAST_PAID_RATE", "500")
    paid = load_settings()
    assert paid.broadcast_paid and paid.broadcast_ceiling == 500


def test_openai_defaults_and_values(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.openai_api_key is None and not s.ai_enabled
    assert (s.openai_base_url, s.openai_model) == (None, "gpt-4o-mini")
    assert (s.openai_timeout, s.openai_max_retries) == (20, 2)
    assert (s.openai_price_input, s.openai_price_output) == (0.15, 0.60)
    monkeypatch.setenv("OPENAI_API_KEY", "")
    assert load_settings().openai_api_key is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/")
    monkeypatch.setenv("OPENAI_TIMEOUT", "5")
    s = load_settings()
    assert s.ai_enabled and s.openai_api_key is not None
    assert s.openai_api_key.get_secret_value() == "sk-test-123"
    assert "sk-test-123" not in repr(s)
    assert (s.openai_base_url, s.openai_timeout) == ("http://127.0.0.1:11434/v1", 5)
