"""Needs from free text without a model: Vietnamese with and without diacritics,
English, whole words and prefixes, ambiguous words without diacritics left alone."""

from __future__ import annotations

import pytest

from bot.reference import codes
from bot.services.needs_match import KEYWORDS, match_needs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chúng tôi cần gọi vốn", ["funding"]),
        ("can goi von dau tu", ["funding"]),
        ("ĐẦU TƯ", ["funding"]),
        ("looking for investors", ["funding"]),
        ("Tìm khách hàng và mở rộng thị trường", ["market"]),
        ("tim khach hang", ["market"]),
        ("more customers, export to Japan", ["market"]),
        ("Vướng chính sách, giấy phép, quy định", ["policy"]),
        ("giay phep kinh doanh", ["policy"]),
        ("regulatory sandbox and licensing", ["policy"]),
        ("Cần tuyển kỹ sư", ["talent"]),
        ("tuyen dung nhan su", ["talent"]),
        ("hiring engineers", ["talent"]),
        ("truyền thông, báo chí", ["media"]),
        ("bao chi va truyen thong", ["media"]),
        ("PR and brand awareness", ["media"]),
        ("marketing", ["media"]),  # not "market"
        ("tìm đối tác chiến lược", ["partners"]),
        ("chuyển giao công nghệ từ viện nghiên cứu", ["tech_transfer"]),
        ("vốn, khách hàng và chính sách", ["funding", "market", "policy"]),
        ("investment; partners; hiring", ["funding", "partners", "talent"]),
    ],
)
def test_matches(text: str, expected: list[str]) -> None:
    assert match_needs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "xin chào, mình là An",
        "hello there",
        "quy dinh",  # quy định without diacritics: policy, not quỹ (funding)
        "tuyến đường mới",  # a route, not recruiting
        "thuê văn phòng",  # renting (thuê), not tax (thuế)
    ],
)
def test_no_false_matches(text: str) -> None:
    assert "funding" not in match_needs(text)
    assert "talent" not in match_needs(text)
    if text.strip() in ("", "xin chào, mình là An", "hello there", "thuê văn phòng"):
        assert match_needs(text) == []


def test_quy_dinh_is_policy_and_quy_is_funding() -> None:
    assert match_needs("quy dinh") == ["policy"]
    assert match_needs("quy định") == ["policy"]
    assert match_needs("quỹ") == ["funding"]
    assert match_needs("thuế") == ["policy"]


def test_every_need_has_keywords() -> None:
    assert set(KEYWORDS) == set(codes("needs"))
