from __future__ import annotations

import json
import logging

from bot.logging_setup import REDACTED, JsonFormatter

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def format_record(record: logging.LogRecord) -> str:
    return JsonFormatter(secrets=(TOKEN,)).format(record)


def test_token_never_printed_even_inside_exception_urls() -> None:
    try:
        raise ConnectionError(f"Cannot connect to https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, "f", 1, "failed %s", (TOKEN,), sys.exc_info()
        )
    line = format_record(record)
    assert TOKEN not in line
    assert REDACTED in line
    json.loads(line)


def test_token_shaped_strings_redacted_even_if_not_configured() -> None:
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    record = logging.LogRecord("x", logging.INFO, "f", 1, f"url /bot{other}/sendMessage", (), None)
    assert other not in JsonFormatter().format(record)


def test_extra_fields_are_structured() -> None:
    record = logging.LogRecord("in2spire.updates", logging.INFO, "f", 1, "update handled", (), None)
    record.update_id = 7
    record.duration_ms = 1.5
    data = json.loads(format_record(record))
    assert data["update_id"] == 7
    assert data["duration_ms"] == 1.5
    assert data["msg"] == "update handled"
