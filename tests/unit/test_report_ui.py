"""The /report message: thousands separators per language, percentages, labels,
escaped names, "—" without a rate, and one message however long the lists."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.i18n import default_translator
from bot.services.reports import Report
from bot.ui.reports import report_text
from storage.repositories.reports import (
    Offers,
    Outcomes,
    Pitches,
    RankedAmbassador,
    Registrations,
    ReportScope,
    Stories,
    Uncovered,
    UncoveredStartup,
    WeeklySeries,
)

NOW = datetime(2026, 3, 25, tzinfo=UTC)


def report(**changes: object) -> Report:
    values: dict[str, object] = {
        "scope": ReportScope(NOW, NOW),
        "kind": "30d",
        "campaign": None,
        "first_day": date(2026, 2, 24),
        "last_day": date(2026, 3, 25),
        "generated_at": NOW,
        "registrations": Registrations(1234, 56, (("ha_noi", 1000), ("can_tho", 234))),
        "pitches": Pitches(12, (("media", 12),), (("open", 12),)),
        "offers": Offers(made=3, accepted=2, declined=1, expired=0, withdrawn=0, open=0),
        "stories": Stories(stories=0, due=0, published=0, on_time=0),
        "links_by_platform": (("facebook", 12345),),
        "links_by_province": (("ha_noi", 12345),),
        "top_ambassadors": (RankedAmbassador(1, "Lan <3", 7), RankedAmbassador(2, None, 1)),
        "uncovered": Uncovered(1, (UncoveredStartup(5, "A & B", 2),)),
        "weekly": WeeklySeries((), ()),
        "outcomes": Outcomes(1500, 40, (("customers", 25), ("investor", 12), ("nothing", 9))),
    }
    values.update(changes)
    return Report(**values)  # type: ignore[arg-type]


def test_numbers_rates_and_escaping() -> None:
    tr = default_translator("vi")
    vi = report_text(report(), lambda key, **p: tr.t("vi", key, **p), "vi")
    assert "📊 <b>30 ngày qua</b>\n24/02/2026 – 25/03/2026" in vi
    assert "1.234 startup, 56 đại sứ" in vi and "Hà Nội 1.000 · Cần Thơ 234" in vi
    assert "Facebook 12.345" in vi and "tỷ lệ nhận 67%" in vi
    assert "đúng hạn 0 · —" in vi  # nothing due: no rate
    assert "1. Lan &lt;3 — 7" in vi and "2. #2 — 1" in vi and "A &amp; B" in vi
    en = report_text(report(), lambda key, **p: tr.t("en", key, **p), "en")
    assert "1,234 startups, 56 ambassadors" in en and "Hanoi 1,000" in en
    assert "Facebook 12,345" in en and "acceptance 67%" in en
    # Outcomes: asked and answered, then the kinds ticked, highest first.
    assert "📈 <b>Kết quả mang lại</b>: đã hỏi 1.500, đã trả lời 40" in vi
    assert "Đã mang lại: Khách hàng 25 · Liên hệ từ nhà đầu tư 12 · Chưa có gì 9" in vi
    assert "📈 <b>Outcomes</b>: 1,500 asked, 40 answered" in en
    assert "What came of it: Customers 25 · Investor contact 12 · Nothing yet 9" in en
    # Nobody asked yet: one line saying so, no breakdown.
    none = report_text(report(outcomes=Outcomes(0, 0, ())), lambda k, **p: tr.t("en", k, **p), "en")
    assert "📈 <b>Outcomes</b>: none asked yet" in none and "What came of it" not in none
    # Asked, nobody answered: the counts without a breakdown.
    unanswered = report_text(
        report(outcomes=Outcomes(3, 0, ())), lambda k, **p: tr.t("en", k, **p), "en"
    )
    assert "3 asked, 0 answered" in unanswered and "What came of it" not in unanswered


def test_long_lists_fit_one_message() -> None:
    tr = default_translator("vi")
    many = tuple(RankedAmbassador(i, "N" * 200, 1) for i in range(10))
    uncovered = Uncovered(500, tuple(UncoveredStartup(i, "S" * 200, 1) for i in range(10)))
    provinces = tuple((f"p{i}", 10 - i) for i in range(10))
    text = report_text(
        report(top_ambassadors=many, uncovered=uncovered, links_by_province=provinces),
        lambda key, **p: tr.t("vi", key, **p),
        "vi",
    )
    assert len(text) <= 4096
    assert "10 khác" in text  # provinces beyond the sixth summed (4 + 3 + 2 + 1)
