"""Provincial units after the 2025 merger, and resolving what people type."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.provinces import (
    NATIONWIDE,
    Province,
    all_provinces,
    fold,
    get_province,
    is_region,
    pre_2025_units,
    region_label,
    resolve_province,
    resolve_region,
    suggest_provinces,
    vi_sort_key,
)

CITIES = ["Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"]
PROVINCES = [
    "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên",
    "Lạng Sơn", "Sơn La", "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hưng Yên", "Ninh Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa",
    "Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
    "An Giang",
]  # fmt: skip

# Resolution 202/2025/QH15: new unit -> former units merged into it.
MERGERS = {
    "tuyen_quang": {"Hà Giang"},
    "lao_cai": {"Yên Bái"},
    "thai_nguyen": {"Bắc Kạn"},
    "phu_tho": {"Vĩnh Phúc", "Hòa Bình"},
    "bac_ninh": {"Bắc Giang"},
    "hung_yen": {"Thái Bình"},
    "hai_phong": {"Hải Dương"},
    "ninh_binh": {"Hà Nam", "Nam Định"},
    "quang_tri": {"Quảng Bình"},
    "da_nang": {"Quảng Nam"},
    "quang_ngai": {"Kon Tum"},
    "gia_lai": {"Bình Định"},
    "khanh_hoa": {"Ninh Thuận"},
    "lam_dong": {"Đắk Nông", "Bình Thuận"},
    "dak_lak": {"Phú Yên"},
    "ho_chi_minh": {"Bình Dương", "Bà Rịa – Vũng Tàu"},
    "dong_nai": {"Bình Phước"},
    "tay_ninh": {"Long An"},
    "can_tho": {"Sóc Trăng", "Hậu Giang"},
    "vinh_long": {"Bến Tre", "Trà Vinh"},
    "dong_thap": {"Tiền Giang"},
    "ca_mau": {"Bạc Liêu"},
    "an_giang": {"Kiên Giang"},
}
UNCHANGED = {
    "ha_noi", "hue", "lai_chau", "dien_bien", "son_la", "lang_son", "quang_ninh",
    "thanh_hoa", "nghe_an", "ha_tinh", "cao_bang",
}  # fmt: skip

# The 63 provincial units in force until 30 June 2025, written independently of the data.
PRE_2025 = [
    "An Giang", "Bà Rịa – Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng",
    "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng",
    "Hậu Giang", "Hòa Bình", "Huế", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "TP. Hồ Chí Minh", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]  # fmt: skip


def _code(text: str) -> str | None:
    p = resolve_province(text)
    return p.code if p else None


def _strip_accents(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D")


# ------------------------------------------------------------------------- the data


def test_there_are_exactly_34_units_6_cities_and_28_provinces() -> None:
    units = all_provinces()
    assert len(units) == 34
    assert [p.vi for p in units if p.kind == "city"] == CITIES
    assert sorted(p.vi for p in units if p.kind == "province") == sorted(PROVINCES)
    assert len({p.code for p in units}) == 34


def test_codes_are_ascii_identifiers_derived_from_the_name() -> None:
    for p in all_provinces():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", p.code)
        assert fold(p.vi).endswith(p.code.replace("_", " ")), p


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        ("ha_noi", "Hà Nội", "Hanoi"),
        ("ho_chi_minh", "TP. Hồ Chí Minh", "Ho Chi Minh City"),
        ("hue", "Huế", "Hue"),
        ("da_nang", "Đà Nẵng", "Da Nang"),
        ("dak_lak", "Đắk Lắk", "Dak Lak"),
    ],
)
def test_names_and_labels(code: str, vi: str, en: str) -> None:
    p = get_province(code)
    assert p is not None
    assert (p.vi, p.en) == (vi, en)
    assert p.label("vi") == vi
    assert p.label("en") == en
    assert p.label("fr") == vi
    assert p.label(None) == vi


def test_every_english_name_is_the_unaccented_vietnamese_one_or_a_known_exception() -> None:
    exceptions = {"ha_noi": "Hanoi", "ho_chi_minh": "Ho Chi Minh City"}
    for p in all_provinces():
        assert p.en == exceptions.get(p.code, _strip_accents(p.vi)), p


def test_display_order_is_cities_then_provinces_in_vietnamese_order() -> None:
    names = [p.vi for p in all_provinces()]
    assert names[:6] == CITIES
    assert names[6] == "An Giang"
    assert names[-1] == "Vĩnh Long"
    # Vietnamese alphabet: a < ă < â, d < đ; tones come second.
    assert names.index("Cao Bằng") < names.index("Đắk Lắk") < names.index("Gia Lai")
    assert names.index("Lạng Sơn") < names.index("Lào Cai") < names.index("Lâm Đồng")
    assert names.index("Tây Ninh") < names.index("Thái Nguyên") < names.index("Tuyên Quang")
    assert names[6:] == sorted(names[6:], key=vi_sort_key)


@pytest.mark.parametrize("code", sorted(MERGERS.keys() | UNCHANGED))
def test_former_units_follow_the_resolution(code: str) -> None:
    p = get_province(code)
    assert p is not None
    assert set(p.former) == MERGERS.get(code, set())


def test_every_unit_is_either_merged_into_or_unchanged() -> None:
    assert MERGERS.keys() | UNCHANGED == {p.code for p in all_provinces()}
    assert not MERGERS.keys() & UNCHANGED


def test_the_63_former_units_each_map_to_exactly_one_current_unit() -> None:
    units = pre_2025_units()
    assert len(units) == 63
    assert sorted(units, key=vi_sort_key) == sorted(PRE_2025, key=vi_sort_key)
    assert len({fold(name) for name in units}) == 63
    for name, province in units.items():
        assert resolve_province(name) is province, name
        owners = [p for p in all_provinces() if name == p.vi or name in p.former]
        assert owners == [province], name


def test_former_names_are_not_current_names() -> None:
    current = {fold(p.vi) for p in all_provinces()}
    for p in all_provinces():
        assert not {fold(f) for f in p.former} & current


def test_provinces_are_frozen_and_get_returns_none_for_unknown_codes() -> None:
    p = all_provinces()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.vi = "x"  # type: ignore[misc]
    assert get_province("ha_tay") is None
    assert get_province("") is None
    assert isinstance(get_province("hue"), Province)


# -------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    "text",
    ["TP. Hồ Chí Minh", "tp ho chi minh", "HỒ CHÍ MINH", "Thành phố Hồ Chí Minh",
     "Ho Chi Minh City", "  hồ   chí-minh!! ", "tp.Hồ Chí Minh"],
)  # fmt: skip
def test_fold_makes_spellings_alike(text: str) -> None:
    assert fold(text) == "ho chi minh"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Tĩnh", "ha tinh"),  # a Vietnamese "tỉnh" suffix is never dropped
        ("tỉnh Hà Tĩnh", "ha tinh"),
        ("Đắk Lắk", "dak lak"),
        ("ĐỒNG NAI province", "dong nai"),
        ("Bà Rịa – Vũng Tàu", "ba ria vung tau"),
        ("Thừa Thiên-Huế", "thua thien hue"),
        ("ha_noi", "ha noi"),
        ("", ""),
        ("tỉnh", "tinh"),
    ],
)
def test_fold_examples(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_ignores_unicode_normalisation_form() -> None:
    nfc = unicodedata.normalize("NFC", "Khánh Hòa")
    nfd = unicodedata.normalize("NFD", "Khánh Hòa")
    assert nfc != nfd
    assert fold(nfc) == fold(nfd) == fold("Khánh Hoà") == "khanh hoa"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_is_idempotent_and_plain(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded


# ------------------------------------------------------------------------ resolving


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hà Nội", "ha_noi"),
        ("HN", "ha_noi"),
        ("Ha Noi", "ha_noi"),
        ("Hanoi", "ha_noi"),
        ("hà nội", "ha_noi"),
        ("HCM", "ho_chi_minh"),
        ("TPHCM", "ho_chi_minh"),
        ("TP.HCM", "ho_chi_minh"),
        ("TP HCM", "ho_chi_minh"),
        ("tp.hcm", "ho_chi_minh"),
        ("Sài Gòn", "ho_chi_minh"),
        ("Saigon", "ho_chi_minh"),
        ("SG", "ho_chi_minh"),
        ("Hồ Chí Minh", "ho_chi_minh"),
        ("Ho Chi Minh City", "ho_chi_minh"),
        ("Bình Dương", "ho_chi_minh"),
        ("binh duong", "ho_chi_minh"),
        ("Vũng Tàu", "ho_chi_minh"),
        ("Bà Rịa", "ho_chi_minh"),
        ("BR-VT", "ho_chi_minh"),
        ("Bà Rịa - Vũng Tàu", "ho_chi_minh"),
        ("Thủ Dầu Một", "ho_chi_minh"),
        ("Thừa Thiên Huế", "hue"),
        ("TT Huế", "hue"),
        ("Hue", "hue"),
        ("Da Nang", "da_nang"),
        ("Đà Nẵng", "da_nang"),
        ("Hội An", "da_nang"),
        ("Quảng Nam", "da_nang"),
        ("Hai Phong", "hai_phong"),
        ("HP", "hai_phong"),
        ("Hải Dương", "hai_phong"),
        ("Can Tho", "can_tho"),
        ("Nha Trang", "khanh_hoa"),
        ("Đà Lạt", "lam_dong"),
        ("Dalat", "lam_dong"),
        ("Phan Thiết", "lam_dong"),
        ("Vinh", "nghe_an"),
        ("Quy Nhơn", "gia_lai"),
        ("Buôn Ma Thuột", "dak_lak"),
        ("Hạ Long", "quang_ninh"),
        ("Biên Hòa", "dong_nai"),
        ("Biên Hoà", "dong_nai"),
        ("Rạch Giá", "an_giang"),
        ("Phú Quốc", "an_giang"),
        ("Sa Pa", "lao_cai"),
        ("Sapa", "lao_cai"),
        ("Vĩnh Long", "vinh_long"),
        ("Trà Vinh", "vinh_long"),
        ("Hà Tĩnh", "ha_tinh"),
        ("tỉnh Hà Tĩnh", "ha_tinh"),
        ("Kon Tum", "quang_ngai"),
        ("Đắk Nông", "lam_dong"),
        ("Dak Nong", "lam_dong"),
        ("ho_chi_minh", "ho_chi_minh"),
    ],
)
def test_resolve_examples(text: str, code: str) -> None:
    assert _code(text) == code


@pytest.mark.parametrize("text", ["", "   ", "Tỉnh", "Paris", "Hà Tây Mới", "x", "Vietnam"])
def test_resolve_unknown_is_none(text: str) -> None:
    assert resolve_province(text) is None


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("ĐN", {"da_nang", "dong_nai"}),
        ("DN", {"da_nang", "dong_nai"}),
        ("đn", {"da_nang", "dong_nai"}),
        ("QN", {"quang_ninh", "quang_ngai", "da_nang"}),
        ("BD", {"ho_chi_minh", "gia_lai"}),
    ],
)
def test_ambiguous_abbreviations_do_not_resolve_but_are_suggested(
    text: str, candidates: set[str]
) -> None:
    assert resolve_province(text) is None
    assert {p.code for p in suggest_provinces(text, limit=5)} == candidates


_NAMED = [(p.code, name) for p in all_provinces() for name in (p.vi, p.en, *p.former, *p.aliases)]
_VARIANTS = [
    lambda s: s,
    _strip_accents,
    str.upper,
    str.lower,
    lambda s: _strip_accents(s).upper(),
    lambda s: _strip_accents(s).lower(),
    lambda s: f"tỉnh {s}",
    lambda s: f"Tỉnh {s}",
    lambda s: f"TP. {s}",
    lambda s: f"tp {s}",
    lambda s: f"Thành phố {s}",
    lambda s: f"{s} province",
    lambda s: f"  {s}  ",
    lambda s: unicodedata.normalize("NFD", s),
]


@settings(max_examples=400, deadline=None)
@given(
    named=st.sampled_from(_NAMED),
    variants=st.lists(st.sampled_from(_VARIANTS), max_size=3),
)
def test_every_name_former_name_and_alias_resolves_in_any_spelling(
    named: tuple[str, str], variants: list
) -> None:
    code, text = named
    for variant in variants:
        text = variant(text)
    assert _code(text) == code, text


@pytest.mark.parametrize(("code", "name"), _NAMED)
def test_every_listed_name_resolves(code: str, name: str) -> None:
    assert _code(name) == code
    assert _code(_strip_accents(name).upper()) == code


# ----------------------------------------------------------------------- suggesting


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Hồ Chí Mnh", "ho_chi_minh"),
        ("ha noii", "ha_noi"),
        ("Khanh Hao", "khanh_hoa"),
        ("Thai Nguen", "thai_nguyen"),
        ("bin duong", "ho_chi_minh"),
        ("Đà Nẵng", "da_nang"),
    ],
)
def test_suggestions_put_the_closest_first(text: str, first: str) -> None:
    suggestions = suggest_provinces(text)
    assert suggestions
    assert suggestions[0].code == first


def test_suggestions_respect_the_limit_and_find_prefixes() -> None:
    codes = [p.code for p in suggest_provinces("Quảng", limit=10)]
    assert {"quang_ninh", "quang_ngai", "quang_tri", "da_nang"} <= set(codes)
    assert len(suggest_provinces("Quảng", limit=2)) == 2
    assert suggest_provinces("Quảng", limit=0) == []


@pytest.mark.parametrize("text", ["", "   ", "zzzzzz", "!!!"])
def test_no_suggestion_for_nonsense(text: str) -> None:
    assert suggest_provinces(text) == []


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=30), limit=st.integers(min_value=0, max_value=5))
def test_suggestions_never_fail_and_are_distinct(text: str, limit: int) -> None:
    suggestions = suggest_provinces(text, limit=limit)
    assert len(suggestions) <= limit
    assert len({p.code for p in suggestions}) == len(suggestions)


# -------------------------------------------------------------------------- regions


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Toàn quốc", NATIONWIDE),
        ("toan quoc", NATIONWIDE),
        ("Cả nước", NATIONWIDE),
        ("Nationwide", NATIONWIDE),
        ("nationwide", NATIONWIDE),
        ("Việt Nam", NATIONWIDE),
        ("Bình Dương", "ho_chi_minh"),
        ("Atlantis", None),
    ],
)
def test_resolve_region(text: str, region: str | None) -> None:
    assert resolve_region(text) == region


def test_region_helpers() -> None:
    assert NATIONWIDE == "nationwide"
    assert get_province(NATIONWIDE) is None  # a helper, not a province
    assert region_label(NATIONWIDE, "vi") == "Toàn quốc"
    assert region_label(NATIONWIDE, "en") == "Nationwide"
    assert region_label(NATIONWIDE, "ja") == "Toàn quốc"
    assert region_label("hue", "en") == "Hue"
    assert region_label("gone", "vi") == "gone"
    assert is_region(NATIONWIDE)
    assert is_region("can_tho")
    assert not is_region("binh_duong")


# ---------------------------------------------------------------- Vietnamese order


def test_vi_sort_key_follows_the_vietnamese_alphabet() -> None:
    words = ["đa", "da", "dz", "âm", "ăn", "an", "bé", "ơn", "ôn", "on", "ưa", "ua", "va"]
    assert sorted(words, key=vi_sort_key) == [
        "an", "ăn", "âm", "bé", "da", "dz", "đa", "on", "ôn", "ơn", "ua", "ưa", "va",
    ]  # fmt: skip


def test_vi_sort_key_orders_tones_after_letters() -> None:
    tones = ["mạ", "má", "mã", "mả", "mà", "ma"]
    assert sorted(tones, key=vi_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(["mạch", "mai"], key=vi_sort_key) == ["mạch", "mai"]
    assert sorted(["Lâm Đồng", "Lào Cai"], key=vi_sort_key) == ["Lào Cai", "Lâm Đồng"]
