"""Links on screen and in the CSV: names and titles escaped, long URLs cut on screen
only, cells Excel would run as formulas defused, the BOM; what counts as broken."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import default_translator
from bot.services.links import Confirmed, Draft, LinkLine, Prepared, Recorded, Story, looks_broken
from bot.ui.links import (
    card_kb,
    card_text,
    confirmed_text,
    export_csv,
    short_url,
    startup_text,
    stories_kb,
)
from storage.dto import AmbassadorDTO, AssignmentDTO, LinkDTO, StartupDTO, StoryRequestDTO

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
STORY = Story(
    AssignmentDTO(
        id=7,
        request_id=3,
        ambassador_id=5,
        status="accepted",
        score=1.0,
        reasons=(),
        offered_at=NOW,
        expires_at=NOW + timedelta(days=1),
    ),
    StoryRequestDTO(id=3, startup_id=1, status="open", need="media", deadline=NOW),
    StartupDTO(id=1, user_id=10, status="approved", company_name="Nông <Trại> & Co"),
    AmbassadorDTO(id=5, user_id=20, status="approved", display_name="Lan <b>"),
)


def link(**values: object) -> LinkDTO:
    fields: dict[str, object] = {
        "id": 1,
        "assignment_id": 7,
        "request_id": 3,
        "startup_id": 1,
        "ambassador_id": 5,
        "submitted_by": 20,
        "platform": "press",
        "original_url": "https://vnexpress.net/a.html?utm_source=x",
        "normalized_url": "https://vnexpress.net/a.html",
        "sponsored": False,
        "late": False,
        "submitted_at": NOW,
    }
    fields.update(values)
    return LinkDTO(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "error", "broken"),
    [
        (200, None, False),
        (404, None, True),
        (410, None, True),
        (503, None, True),
        (403, None, False),  # platforms answer robots so
        (429, None, False),
        (None, "unreachable", True),
        (None, "tls_error", True),
        (None, "timeout", False),
        (200, "not_html", False),
        (None, None, False),
    ],
)
def test_what_looks_broken(status: int | None, error: str | None, broken: bool) -> None:
    assert looks_broken(status, error) is broken


def test_card_escapes_and_cuts_long_urls_on_screen() -> None:
    t = default_translator("vi").bind("vi")
    long = "https://a.vn/" + "x" * 3000
    known = Recorded(link(), "Startup <khác>", mine=False)
    prepared = Prepared(
        STORY,
        (
            Draft(long, long, "web"),
            Draft(
                "https://vnexpress.net/a.html",
                "https://vnexpress.net/a.html",
                "press",
                None,
                (),
                known,
            ),
            Draft("http://127.0.0.1/", error="error.link_host"),
        ),
    )
    text = card_text(prepared, t, "vi", VN)
    assert "Nông &lt;Trại&gt; &amp; Co" in text and "Startup &lt;khác&gt;" in text
    assert short_url(long) in text and long not in text and len(text) < 4000
    assert "09:00 02/03/2026" in text  # when the known one was recorded
    kb = card_kb(7, [False], t)
    assert kb.inline_keyboard[0][0].text == "1 · 📰 Biên tập"


def test_confirmed_and_startup_texts() -> None:
    t = default_translator("en").bind("en")
    done = Confirmed(STORY, (link(sponsored=True, late=True),), published_now=True)
    text = confirmed_text(done, t, "en", VN, startup_told=True)
    assert "💰 sponsored" in text and "⏰ late" in text and "The startup has been told." in text
    news = startup_text(done, t, "en")
    assert "Lan &lt;b&gt;" in news and "💰 sponsored" in news and "late" not in news


def test_csv_has_a_bom_one_row_per_link_and_no_formulas() -> None:
    t = default_translator("vi").bind("vi")
    lines = [
        LinkLine(link(), "Nông Trại Số", "Lan"),
        LinkLine(
            link(
                id=2,
                normalized_url="https://b.vn/x",
                original_url="https://b.vn/x",
                title='=HYPERLINK("http://evil.example","bấm")',
                check_status=200,
                sponsored=True,
            ),
            "+Startup",
            "@minh",
        ),
    ]
    data = export_csv(lines, t, "vi", VN)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "Thời điểm gửi"
    assert rows[1][:2] == ["2026-03-02 09:00", "Nông Trại Số"]
    assert rows[1][4] == "Báo in, báo điện tử" and rows[1][7] == "không"
    assert rows[2][1] == "'+Startup" and rows[2][3] == "'@minh"
    assert rows[2][10].startswith("'=HYPERLINK") and rows[2][9] == "200"
    assert rows[2][7] == "có"


def test_buttons_are_plain_text() -> None:
    t = default_translator("vi").bind("vi")
    kb = stories_kb([STORY], t, "vi")
    assert "Nông <Trại> & Co" in kb.inline_keyboard[0][0].text
