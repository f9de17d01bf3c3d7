"""A realistic, deterministic demo data set in Vietnamese (``in2spire seed-demo``).

Startups with Vietnamese names, founders, sectors, stages and needs across the 34
provinces (weighted to the big cities); ambassadors (journalists, creators, press
and TV partners, community leaders) with channels and audiences; two campaigns (the
last one active); story requests in every status; assignments that follow the state
machine (``bot/services/assignment_states.py``); links on the ambassadors' platforms
with realistic URLs, on time or late; what came of the requests whose links are in
(asked 30 days after the last link, most answered, some with a note); a few tagged
groups; the review trail of every profile sent for review; the reminders planned for
the accepted stories; broadcasts by the organizers (done, one stopped, one
scheduled) with their deliveries and "Got it" presses.

Everything comes from one ``random.Random(seed)`` and ``now``, so a seed and a time
give the same rows on SQLite and PostgreSQL. Rows are built in memory and inserted
with SQLAlchemy Core in chunks (executemany), one transaction per kind of row.

Invariants the generator keeps (checked by ``tests/storage/test_demo.py``):

- ``story_requests.accepted`` equals its accepted, published and overdue
  assignments and never exceeds ``wanted``; a ``filled`` or ``completed`` request
  has all its slots taken (``completed``: all published), an ``open`` one has room
  and at most that many open offers; ``pending`` and ``rejected`` ones have none.
- An ``offered`` assignment has not expired yet; ``accepted`` ones have a deadline
  ahead, ``overdue`` ones a deadline behind; ``published`` ones a ``published_at``.
- Every link belongs to a published assignment (the first one at ``published_at``),
  is ``late`` exactly when submitted after the deadline, and its platform and
  normalized URL are what ``normalize_link`` makes of it.
- Profiles, requests and assignments exist only for approved members.
- A request outcome exists only where the bot would have asked: the request's links
  are in (at least one link, no offered, accepted or overdue assignment) and
  ``asked_at`` is 30 days or more after its last link, not after ``now``. Answered
  ones have ``answered_at`` after ``asked_at`` (not after ``now``) and 1 to 3 kinds in
  button order, or "nothing" alone; unanswered ones have no kinds and no note. Every
  request whose links were in by ``now`` minus 31 days has been asked (the daily pass
  has run).
- Review decisions are what registration and review write: "submitted" by the
  person at ``submitted_at`` for every profile that is not a draft, and for approved
  and rejected ones an "approved" or "rejected" by one of ``DEMO_ORGANIZERS`` at
  ``decided_at`` (the rejection with the profile's ``reject_reason``); that organizer
  is the profile's ``decided_by``.
- Reminders exist only for ``accepted`` assignments and are exactly what the real
  planner (``reminder_policy.plan``, default REMINDER_POLICY, QUIET_HOURS and
  TIMEZONE) still has ahead at ``now``: all ``planned``, due after ``now``, messages
  outside quiet hours. The simplest faithful choice: the steps already behind were
  sent and are not kept (nor earlier snoozes); overdue stories have none left.
- Broadcasts (``Size.broadcasts``: the last one ``scheduled`` ahead, the third one
  ``stopped``, the rest ``done``) have one delivery per recipient their audience
  named at the start (confirmed groups that existed, people approved by then),
  deliveries of done ones ``sent`` or ``failed`` (blocked / removed / not_found, with
  Telegram's error), of the stopped one ``sent`` then ``cancelled``, of the scheduled
  one ``planned``; ``counts`` caches exactly the rows (None while scheduled) and done
  and stopped ones are reported. Acks ("Got it") are only on sent deliveries of
  broadcasts with the ack option, after ``sent_at`` and not after ``now``.

The outcomes are drawn after every other row, so adding them left the rest of the
data set of a seed as it was; then the review trail, reminders and broadcasts, in
that order, after the outcomes (the review trail only fills in ``decided_by``, which
was empty, on the profiles).
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.provinces import NATIONWIDE, all_provinces, fold
from bot.reference import codes
from bot.services.assignment_states import HOLDS_A_SLOT, Status
from bot.services.broadcasts import Audience
from bot.services.link_urls import normalize_link
from bot.services.outcomes import AFTER as OUTCOME_AFTER
from bot.services.outcomes import KINDS as OUTCOME_KINDS
from bot.services.reminder_policy import DEFAULT_POLICY, DEFAULT_QUIET, plan
from bot.services.users import CONSENT_VERSION
from storage.models import (
    Ambassador,
    Assignment,
    Base,
    Broadcast,
    BroadcastAck,
    BroadcastDelivery,
    Campaign,
    Channel,
    Group,
    Link,
    Reminder,
    RequestOutcome,
    ReviewDecision,
    Startup,
    StoryRequest,
    User,
)

SizeName = Literal["small", "medium", "large"]

#: Called as (what, rows done, rows in all) while rows go in.
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Size:
    startups: int
    ambassadors: int
    requests: int
    assignments: int
    links: int
    groups: int
    broadcasts: int = 4


SIZES: dict[str, Size] = {
    "small": Size(startups=40, ambassadors=80, requests=120, assignments=320, links=380, groups=6),
    "medium": Size(
        startups=400,
        ambassadors=1_000,
        requests=3_600,
        assignments=10_000,
        links=12_000,
        groups=15,
        broadcasts=12,
    ),
    # What the reports benchmark needs.
    "large": Size(
        startups=2_000,
        ambassadors=5_000,
        requests=18_000,
        assignments=50_000,
        links=60_000,
        groups=40,
        broadcasts=12,
    ),
}

#: Demo people get Telegram-like ids from here up (no real account is this high yet).
USER_ID_BASE = 9_100_000_000
CHUNK = 5_000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: Tables ``--fresh`` keeps (and the "is it empty?" check ignores): who runs the bot.
KEPT_TABLES = frozenset({"organizers", "organizer_invites", "report_subscriptions"})


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """How many rows of each kind were inserted (and how long it took)."""

    users: int = 0
    campaigns: int = 0
    startups: int = 0
    ambassadors: int = 0
    channels: int = 0
    requests: int = 0
    assignments: int = 0
    links: int = 0
    outcomes: int = 0
    groups: int = 0
    reviews: int = 0
    reminders: int = 0
    broadcasts: int = 0
    deliveries: int = 0
    acks: int = 0
    seconds: float = 0.0
    by_status: dict[str, dict[str, int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}


class NotEmpty(Exception):
    """The database already holds data (``fresh=True`` wipes it first)."""

    def __init__(self, tables: Sequence[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tuple(tables)


# ------------------------------------------------------------------ vocabulary

_FAMILY = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1),
    ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Trịnh", 1), ("Đinh", 1), ("Mai", 1), ("Lương", 1),
)  # fmt: skip
_MIDDLE_M = ("Văn", "Minh", "Đức", "Quang", "Hữu", "Thanh", "Hoàng", "Gia", "Bảo", "Công",
             "Tuấn", "Quốc", "Trung", "Anh")  # fmt: skip
_MIDDLE_F = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Bảo", "Hồng", "Khánh", "Mai",
             "Hải", "Diệu")  # fmt: skip
_GIVEN_M = ("Anh", "Hùng", "Tuấn", "Dũng", "Nam", "Long", "Hải", "Quân", "Khoa", "Hiếu",
            "Phúc", "Thắng", "Sơn", "Huy", "Đạt", "Trung", "Vinh", "Khánh", "Bình", "Tài",
            "Kiên", "Phong", "Lâm", "Thịnh", "Duy")  # fmt: skip
_GIVEN_F = ("Lan", "Linh", "Hương", "Hà", "Trang", "Phương", "Thảo", "Mai", "Vy", "Ngân",
            "Hằng", "Nhung", "Yến", "Trâm", "Hạnh", "Giang", "Quỳnh", "Chi", "Ngọc", "Uyên",
            "Thư", "My", "Nhi", "Diệp", "An")  # fmt: skip

_SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "agritech": ("Nông Sản", "Mekong", "Lúa Vàng", "Agri", "Farm", "Đồng Xanh", "Sầu Riêng",
                 "Cà Phê", "Tôm Việt", "Rau Sạch"),
    "fintech": ("Ví", "Pay", "Tín Dụng", "Fin", "Tiết Kiệm", "Money", "Bảo Hiểm", "Lend", "Sổ",
                "Xu"),
    "edtech": ("Edu", "Học", "Thầy Cô", "Lớp Học", "Sách", "Kid", "English", "Trường", "Skill",
               "Tri Thức"),
    "healthtech": ("Medi", "Y Tế", "Sức Khỏe", "Doctor", "Pharma", "Bác Sĩ", "Dược", "Khám",
                   "Thuốc", "Tâm An"),
    "ecommerce": ("Chợ", "Shop", "Mua Sắm", "Bán Lẻ", "Tạp Hóa", "Mall", "Deal", "Sỉ",
                  "Hàng Việt", "Giỏ Hàng"),
    "logistics": ("Giao Hàng", "Ship", "Vận Tải", "Kho", "Xe Tải", "Logi", "Cảng", "Fast",
                  "Chuyển Phát", "Hàng Hóa"),
    "cleantech": ("Năng Lượng", "Solar", "Mặt Trời", "Điện Gió", "Eco", "Tái Chế", "Green",
                  "Nước Sạch", "Pin", "Carbon"),
    "smartcity": ("Đô Thị", "City", "Phường", "Gov", "Bãi Đỗ", "Giao Thông", "Công Dân", "Park",
                  "Smart", "Số Hóa"),
    "tourism": ("Du Lịch", "Travel", "Homestay", "Di Sản", "Phố Cổ", "Trip", "Bản Làng", "Tour",
                "Ẩm Thực", "Văn Hóa"),
    "manufacturing": ("Cơ Khí", "Factory", "Dệt May", "Gỗ", "Nhựa", "Robot", "Khuôn", "Gốm",
                      "Thép", "Chế Tạo"),
    "ai_data": ("AI", "Data", "Vision", "Bot", "Dữ Liệu", "Trí Tuệ", "Deep", "Neural", "Vi",
                "Chat"),
    "media_entertainment": ("Media", "Phim", "Nhạc", "Studio", "Game", "Podcast", "Truyện",
                            "Sân Khấu", "Stream", "Ảnh"),
    "social_impact": ("Cộng Đồng", "Sống Xanh", "Chia Sẻ", "Vì Em", "Bền Vững", "Hope",
                      "Nhân Ái", "Tương Lai", "Bản Địa", "Làng"),
    "other": ("Sáng Tạo", "Sao", "Nova", "Rồng", "Sen", "Mây", "Hoa", "Bình Minh", "Ánh Dương",
              "Trúc"),
}  # fmt: skip
_BRAND_SUFFIXES = ("Việt", "Xanh", "Tech", "Số", "Go", "Hub", "Link", "Plus", "Labs", "360",
                   "Việt Nam", "Online", "Smart", "Pro", "Care", "Net")  # fmt: skip

#: What a startup of each sector does, and for whom.
_SECTOR_PITCH: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "agritech": (
        ("nền tảng truy xuất nguồn gốc nông sản", "cảm biến tưới tiêu thông minh",
         "sàn kết nối nông sản sạch"),
        ("hợp tác xã", "nông hộ nhỏ", "nhà vườn"),
    ),
    "fintech": (
        ("ví điện tử cho tiểu thương", "ứng dụng quản lý chi tiêu", "nền tảng cho vay vi mô"),
        ("hộ kinh doanh", "người lao động trẻ", "tiểu thương"),
    ),
    "edtech": (
        ("ứng dụng học tiếng Anh bằng AI", "lớp học trực tuyến STEM", "nền tảng luyện thi"),
        ("học sinh vùng sâu", "sinh viên", "giáo viên"),
    ),
    "healthtech": (
        ("ứng dụng đặt lịch khám", "hồ sơ sức khỏe điện tử", "nền tảng tư vấn từ xa"),
        ("người cao tuổi", "phòng khám tư", "bệnh nhân mạn tính"),
    ),
    "ecommerce": (
        ("sàn bán lẻ đặc sản vùng miền", "phần mềm bán hàng đa kênh", "chợ online cho làng nghề"),
        ("cửa hàng tạp hóa", "làng nghề", "người bán nhỏ"),
    ),
    "logistics": (
        ("dịch vụ giao hàng chặng cuối", "kho lạnh chia sẻ", "phần mềm điều phối xe tải"),
        ("doanh nghiệp vừa và nhỏ", "nhà bán hàng online", "hợp tác xã"),
    ),
    "cleantech": (
        ("điện mặt trời áp mái", "giải pháp tái chế nhựa", "thiết bị lọc nước"),
        ("khu công nghiệp", "hộ gia đình", "trường học"),
    ),
    "smartcity": (
        ("ứng dụng phản ánh hiện trường", "bãi đỗ xe thông minh", "bản đồ số cho phường xã"),
        ("chính quyền địa phương", "người dân đô thị", "ban quản lý khu phố"),
    ),
    "tourism": (
        ("nền tảng đặt homestay cộng đồng", "tour trải nghiệm văn hóa",
         "thuyết minh di sản bằng thực tế ảo"),
        ("du khách trẻ", "làng du lịch", "khách quốc tế"),
    ),
    "manufacturing": (
        ("robot hàn tự động", "phần mềm quản lý xưởng", "vật liệu xanh thay thế nhựa"),
        ("xưởng cơ khí", "doanh nghiệp dệt may", "nhà máy vừa"),
    ),
    "ai_data": (
        ("trợ lý ảo tiếng Việt", "nhận diện hình ảnh cho nhà máy", "phân tích dữ liệu bán lẻ"),
        ("doanh nghiệp", "bệnh viện", "chuỗi bán lẻ"),
    ),
    "media_entertainment": (
        ("nền tảng podcast tiếng Việt", "studio hoạt hình", "trò chơi giáo dục"),
        ("khán giả trẻ", "gia đình", "nhà sáng tạo nội dung"),
    ),
    "social_impact": (
        ("việc làm cho người khuyết tật", "ngân hàng thực phẩm",
         "sinh kế cho phụ nữ dân tộc thiểu số"),
        ("cộng đồng yếu thế", "phụ nữ nông thôn", "thanh niên"),
    ),
    "other": (
        ("dịch vụ sáng tạo", "giải pháp số", "sản phẩm thủ công hiện đại"),
        ("khách hàng trẻ", "doanh nghiệp", "cộng đồng địa phương"),
    ),
}  # fmt: skip

_STORY_BY_NEED: dict[str, tuple[str, ...]] = {
    "funding": (
        "{brand} đang gọi vốn vòng {round} để mở rộng {what} ra thêm {n} tỉnh thành. Chúng tôi "
        "mong có bài viết giới thiệu đội ngũ và kết quả {metric} để nhà đầu tư biết đến.",
        "Sau {months} tháng vận hành tại {province}, {brand} đã phục vụ {metric}. Chúng tôi cần "
        "câu chuyện về mô hình kinh doanh để chuẩn bị gọi vốn vòng {round}.",
    ),
    "partners": (
        "{brand} tìm đối tác phân phối và doanh nghiệp đồng hành để đưa {what} tới {who} ở "
        "{province} và các tỉnh lân cận.",
        "Chúng tôi muốn kể câu chuyện hợp tác giữa {brand} và {who}, để thêm nhiều đối tác biết "
        "và cùng tham gia.",
    ),
    "market": (
        "{brand} vừa ra mắt {what} tại {province}. Chúng tôi cần lan tỏa tới {who} để có "
        "{metric} đầu tiên trong quý này.",
        "Sản phẩm {what} của {brand} đã sẵn sàng mở rộng thị trường; mong các đại sứ giới thiệu "
        "tới {who} trên cả nước.",
    ),
    "policy": (
        "{brand} gặp vướng mắc về thủ tục cấp phép cho {what}. Chúng tôi mong câu chuyện được "
        "kể để cơ quan quản lý ở {province} lắng nghe và tháo gỡ.",
        "Quy định hiện hành chưa có hướng dẫn cho mô hình {what}; {brand} muốn chia sẻ kinh "
        "nghiệm và kiến nghị chính sách thử nghiệm có kiểm soát (sandbox).",
    ),
    "tech_transfer": (
        "{brand} tìm viện, trường đại học để nhận chuyển giao công nghệ cho {what}, phục vụ "
        "{who} tại {province}.",
        "Chúng tôi muốn kể hành trình thương mại hóa kết quả nghiên cứu thành {what} và tìm thêm "
        "đối tác công nghệ.",
    ),
    "talent": (
        "{brand} đang tuyển kỹ sư và người làm sản phẩm cho {what}. Mong câu chuyện văn hóa đội "
        "ngũ được lan tỏa tới sinh viên và người trẻ ở {province}.",
        "Chúng tôi cần thêm nhân sự trẻ yêu thích khởi nghiệp; {brand} muốn kể về cơ hội làm việc "
        "với {who}.",
    ),
    "media": (
        "{brand} muốn lan tỏa câu chuyện {what} giúp {who} thay đổi cuộc sống, trên báo chí và "
        "mạng xã hội.",
        "Nhân dịp {brand} tròn {months} tháng, chúng tôi mong có bài viết, video ngắn kể về hành "
        "trình khởi nghiệp từ {province}.",
    ),
}
_METRICS = ("10.000 người dùng", "5.000 khách hàng", "300 hợp tác xã", "1.200 đơn hàng mỗi ngày",
            "doanh thu tăng gấp ba", "50 doanh nghiệp")  # fmt: skip
_ROUNDS = ("hạt giống", "tiền Series A", "Series A", "thiên thần")
_HEADLINES = (
    "{brand}: startup {sector} từ {province} và hành trình {need}",
    "Startup {province} đưa {what} đến gần hơn với {who}",
    "Gặp {founder}, nhà sáng lập {brand}",
    "{brand} tìm lời giải cho {who} bằng {what}",
    "Chuyện khởi nghiệp {sector}: {brand} và bài toán {need}",
    "Từ {province}, {brand} muốn thay đổi cách {who} tiếp cận {what}",
)
_NEED_WORDS = {
    "funding": "gọi vốn", "partners": "tìm đối tác", "market": "mở rộng thị trường",
    "policy": "vượt rào cản chính sách", "tech_transfer": "chuyển giao công nghệ",
    "talent": "tìm nhân tài", "media": "lan tỏa câu chuyện",
}  # fmt: skip
_SECTOR_WORDS_VI = {
    "agritech": "nông nghiệp công nghệ cao", "fintech": "công nghệ tài chính",
    "edtech": "giáo dục", "healthtech": "y tế số", "ecommerce": "thương mại điện tử",
    "logistics": "logistics", "cleantech": "năng lượng sạch", "smartcity": "đô thị thông minh",
    "tourism": "du lịch", "manufacturing": "sản xuất", "ai_data": "trí tuệ nhân tạo",
    "media_entertainment": "giải trí", "social_impact": "tác động xã hội", "other": "sáng tạo",
}  # fmt: skip

#: Outlets journalists and press partners publish on, with their article URL shapes.
_OUTLETS: tuple[tuple[str, str], ...] = (
    ("vnexpress.net", "https://vnexpress.net/{slug}-{n7}.html"),
    ("tuoitre.vn", "https://tuoitre.vn/{slug}-2025{n11}.htm"),
    ("thanhnien.vn", "https://thanhnien.vn/{slug}-18525{n9}.htm"),
    ("dantri.com.vn", "https://dantri.com.vn/kinh-doanh/{slug}-2025{n10}.htm"),
    ("vietnamnet.vn", "https://vietnamnet.vn/{slug}-{n7}.html"),
    ("cafef.vn", "https://cafef.vn/{slug}-188{n9}.chn"),
    ("genk.vn", "https://genk.vn/{slug}-2025{n8}.chn"),
    ("vneconomy.vn", "https://vneconomy.vn/{slug}-{n7}.htm"),
    ("ictnews.vietnamnet.vn", "https://ictnews.vietnamnet.vn/{slug}-{n7}.html"),
    ("nhandan.vn", "https://nhandan.vn/{slug}-post{n6}.html"),
)
_TV = (("vtv.vn", "https://vtv.vn/kinh-te/{slug}-2025{n8}.htm"),
       ("vov.vn", "https://vov.vn/kinh-te/{slug}-post{n7}.vov"))  # fmt: skip
_PARTNER_NAMES = (
    "Tạp chí Đổi mới Sáng tạo", "Kênh Khởi nghiệp Quốc gia", "Bản tin Doanh nhân Trẻ",
    "Chuyên trang Công nghệ & Đời sống", "Tạp chí Kinh tế Số", "Diễn đàn Startup Việt",
    "Chuyên mục Khởi nghiệp", "Tạp chí Nông nghiệp Xanh",
)  # fmt: skip
_CREATOR_TOPICS = ("Review Công Nghệ", "Khởi Nghiệp", "Kể Chuyện Doanh Nhân", "Nông Nghiệp Xanh",
                   "Tài Chính Cá Nhân", "Du Lịch Bụi", "Học Cùng", "Sống Xanh", "Ẩm Thực Việt",
                   "Đổi Mới Sáng Tạo")  # fmt: skip
_GROUP_TITLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Đại sứ In2spire – {province}", ("dai-su", "{tag}")),
    ("Cộng đồng Khởi nghiệp {province}", ("startup", "{tag}")),
    ("Báo chí đồng hành cùng Startup", ("bao-chi", "dai-su")),
    ("Techfest Việt Nam – Nhóm điều phối", ("techfest", "dieu-phoi")),
    ("Nhà sáng lập {sector}", ("startup", "{sector_tag}")),
    ("Nhà sáng tạo nội dung vì Đổi mới sáng tạo", ("creator", "dai-su")),
)
#: More groups (larger sets) are local ones.
_LOCAL_GROUP_TITLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Đại sứ In2spire – {province}", ("dai-su", "{tag}")),
    ("Cộng đồng Khởi nghiệp {province}", ("startup", "{tag}")),
    ("Nhà sáng lập {sector} – {province}", ("startup", "{sector_tag}", "{tag}")),
    ("Hệ sinh thái Đổi mới sáng tạo {province}", ("he-sinh-thai", "{tag}")),
)

#: Where startups and ambassadors are: the big cities first, every province somewhere.
_PROVINCE_WEIGHTS = {
    "ho_chi_minh": 26, "ha_noi": 22, "da_nang": 8, "can_tho": 5, "hai_phong": 5, "hue": 3,
    "khanh_hoa": 2.5, "lam_dong": 2.5, "dong_nai": 2.5, "bac_ninh": 2.5, "quang_ninh": 2,
    "nghe_an": 2, "thanh_hoa": 2, "thai_nguyen": 1.5, "an_giang": 1.5, "dak_lak": 1.5,
}  # fmt: skip


# ------------------------------------------------------------------ helpers


@lru_cache(maxsize=65_536)
def _slug(text_: str, limit: int = 70) -> str:
    words = fold(text_).split()
    out: list[str] = []
    for word in words:
        if len("-".join([*out, word])) > limit:
            break
        out.append(word)
    return "-".join(out)


def _handle(name: str, rng: random.Random) -> str:
    base = "".join(fold(name).split())[:18]
    return f"{base}{rng.choice(('', '.official', 'vn', '.vn', '_tv', str(rng.randrange(10, 99))))}"


def _code(rng: random.Random, n: int, unique: int) -> str:
    """``n`` URL-safe characters, the last four spelling ``unique`` (so codes never clash)."""
    # An odd multiplier is a bijection modulo 2**24: unique, yet not visibly a counter.
    mixed = (unique * 2_654_435_761) % 2**24
    tail = base64.urlsafe_b64encode(mixed.to_bytes(3, "big")).decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(n - 4)) + tail


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    span = (end - start).total_seconds()
    return start + timedelta(seconds=int(rng.random() * span))


@dataclass(slots=True)
class _Names:
    rng: random.Random
    families: list[str] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.families = [f for f, _ in _FAMILY]
        self.weights = [w for _, w in _FAMILY]

    def person(self) -> tuple[str, str]:
        """(full name, given name)."""
        rng = self.rng
        family = rng.choices(self.families, self.weights)[0]
        if rng.random() < 0.5:
            middle, given = rng.choice(_MIDDLE_F), rng.choice(_GIVEN_F)
        else:
            middle, given = rng.choice(_MIDDLE_M), rng.choice(_GIVEN_M)
        return f"{family} {middle} {given}", given


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(("90", "91", "93", "94", "96", "97", "98", "86", "88", "70", "77", "32"))
    return f"+84{prefix}{rng.randrange(10**7):07d}"


# ------------------------------------------------------------------ the generator


@dataclass(slots=True)
class _Rows:
    users: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    startups: list[dict[str, Any]] = field(default_factory=list)
    ambassadors: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    reminders: list[dict[str, Any]] = field(default_factory=list)
    broadcasts: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)


def _profile_status(rng: random.Random, approved: float, pending: float, rejected: float) -> str:
    roll = rng.random()
    if roll < approved:
        return "approved"
    if roll < approved + pending:
        return "pending"
    return "rejected" if roll < approved + pending + rejected else "draft"


_REJECT_REASONS = ("Thông tin liên hệ chưa đầy đủ, vui lòng bổ sung số điện thoại.",
                   "Chưa có website hoặc trang giới thiệu sản phẩm.",
                   "Kênh truyền thông chưa hoạt động thường xuyên.")  # fmt: skip


def build_rows(size: Size, *, seed: int, now: datetime) -> _Rows:
    """Every demo row, in memory (no database): deterministic for ``seed`` and ``now``."""
    rng = random.Random(seed)
    names = _Names(rng)
    rows = _Rows()
    provinces = [p.code for p in all_provinces()]
    province_vi = {p.code: p.vi for p in all_provinces()}
    p_weights = [_PROVINCE_WEIGHTS.get(code, 0.6) for code in provinces]
    sectors, stages, needs = codes("sectors"), codes("stages"), codes("needs")
    audiences, request_platforms = codes("audiences"), codes("platforms")[:9]
    user_id = USER_ID_BASE

    def province() -> str:
        return rng.choices(provinces, p_weights)[0]

    def user(role: str, first_name: str, created: datetime) -> int:
        nonlocal user_id
        user_id += rng.randrange(1, 50)
        rows.users.append(
            {
                "id": user_id,
                "language": "vi" if rng.random() < 0.92 else "en",
                "first_name": first_name,
                "username": (
                    f"{''.join(fold(first_name).split())}{rng.randrange(100, 9999)}"
                    if rng.random() < 0.6
                    else None
                ),
                "consent_version": CONSENT_VERSION,
                "consented_at": created,
                "role": role,
                "reminder_mode": rng.choices(("normal", "silent", "digest"), (8, 1, 1))[0],
                "created_at": created,
                "updated_at": created,
            }
        )
        return user_id

    def decided(status: str, created: datetime) -> dict[str, Any]:
        submitted = created + timedelta(minutes=rng.randrange(5, 90))
        out: dict[str, Any] = {"submitted_at": None, "decided_at": None, "reject_reason": None}
        if status != "draft":
            out["submitted_at"] = submitted
        if status in ("approved", "rejected"):
            out["decided_at"] = min(submitted + timedelta(hours=rng.uniform(1, 72)), now)
        if status == "rejected":
            out["reject_reason"] = rng.choice(_REJECT_REASONS)
        return out

    # Campaigns: last year's (closed) and this year's (active).
    today = now.astimezone(TZ).date()
    campaigns = (
        (f"Techfest Việt Nam {today.year - 1}", today - timedelta(days=360),
         today - timedelta(days=181), False),
        (f"Tuần lễ Đổi mới sáng tạo {today.year}", today - timedelta(days=180),
         today + timedelta(days=90), True),
    )  # fmt: skip
    for n, (name, starts, ends, active) in enumerate(campaigns, start=1):
        rows.campaigns.append(
            {
                "id": n,
                "name": name,
                "starts_on": starts,
                "ends_on": ends,
                "active": active,
                "created_at": datetime.combine(starts, datetime.min.time(), TZ),
            }
        )

    # Startups.
    brands: set[str] = set()
    startup_info: dict[int, dict[str, Any]] = {}
    for sid in range(1, size.startups + 1):
        sector = rng.choice(sectors)
        home = province()
        founder, given = names.person()
        word, suffix = rng.choice(_SECTOR_WORDS[sector]), rng.choice(_BRAND_SUFFIXES)
        brand = word if rng.random() < 0.1 else f"{word} {suffix}"
        if brand in brands:
            brand = f"{brand} {province_vi[home].removeprefix('TP. ')}"
        while brand in brands:
            brand = f"{brand} {rng.randrange(2, 99)}"
        brands.add(brand)
        what, who = rng.choice(_SECTOR_PITCH[sector][0]), rng.choice(_SECTOR_PITCH[sector][1])
        created = now - timedelta(days=rng.uniform(30, 420))
        status = _profile_status(rng, 0.8, 0.1, 0.05)
        domain = "".join(fold(brand).split())
        extra = [s for s in rng.sample(sectors, 2) if s != sector][: rng.randrange(0, 2)]
        row = {
            "id": sid,
            "user_id": user("startup", given, created),
            "status": status,
            "company_name": brand,
            "sectors": [sector, *extra],
            "stage": rng.choices(stages, (2, 4, 5, 2, 1))[0],
            "province": home,
            "website": f"https://{domain}.vn" if rng.random() < 0.8 else None,
            "description": (
                f"Công ty Cổ phần {brand} phát triển {what} cho {who} tại {province_vi[home]}."
            ),
            "contact_name": founder,
            "phone": _phone(rng),
            "email": f"{_slug(given)}@{domain}.vn",
            "needs": rng.sample(needs, rng.randrange(1, 4)),
            "skipped": [],
            "created_at": created,
            "updated_at": created,
            **decided(status, created),
        }
        rows.startups.append(row)
        startup_info[sid] = {"brand": brand, "sector": sector, "what": what, "who": who,
                             "founder": founder, "province": home, "row": row}  # fmt: skip

    # Ambassadors and their channels.
    channel_id = 0
    amb_info: dict[int, dict[str, Any]] = {}
    for aid in range(1, size.ambassadors + 1):
        kind = rng.choices(("journalist", "creator", "partner", "broadcast", "community"),
                           (35, 40, 8, 5, 12))[0]  # fmt: skip
        full, given = names.person()
        home = province()
        created = now - timedelta(days=rng.uniform(30, 420))
        channels: list[tuple[str, str | None, int, str | None]] = []  # platform, url, audience
        handle = _handle(full, rng)
        if kind == "journalist":
            display = full if rng.random() < 0.5 else f"Nhà báo {full}"
            host, pattern = rng.choice(_OUTLETS)
            author = f"https://{host}/tac-gia/{_slug(full)}-{rng.randrange(1000, 99999)}"
            channels.append(("press", author, rng.randrange(500_000, 20_000_000), pattern))
            channels.append(("facebook", f"https://www.facebook.com/{handle}",
                             rng.randrange(2_000, 80_000), None))  # fmt: skip
        elif kind == "creator":
            display = f"{given} {rng.choice(_CREATOR_TOPICS)}"
            for platform in rng.sample(("tiktok", "youtube", "facebook", "instagram", "threads"),
                                       rng.randrange(1, 4)):  # fmt: skip
                url = {
                    "tiktok": f"https://www.tiktok.com/@{handle}",
                    "youtube": f"https://www.youtube.com/@{handle}",
                    "facebook": f"https://www.facebook.com/{handle}",
                    "instagram": f"https://www.instagram.com/{handle}",
                    "threads": f"https://www.threads.com/@{handle}",
                }[platform]
                audience = int(rng.lognormvariate(11, 1.3))
                channels.append((platform, url, max(1_000, min(audience, 3_000_000)), None))
        elif kind == "partner":
            display = f"{rng.choice(_PARTNER_NAMES)} – {province_vi[home]}"
            host, pattern = rng.choice(_OUTLETS)
            channels.append(("press", f"https://{host}", rng.randrange(1_000_000, 30_000_000),
                             pattern))  # fmt: skip
            channels.append(("facebook", f"https://www.facebook.com/{handle}",
                             rng.randrange(20_000, 900_000), None))  # fmt: skip
            channels.append(("zalo_oa", f"https://zalo.me/{rng.randrange(10**17, 10**18)}",
                             rng.randrange(5_000, 200_000), None))  # fmt: skip
        elif kind == "broadcast":
            if rng.random() < 0.5:
                host, pattern = rng.choice(_TV)
                display = f"Bản tin Khởi nghiệp – {host.split('.')[0].upper()}"
                channels.append(("tv", f"https://{host}", rng.randrange(1_000_000, 20_000_000),
                                 pattern))  # fmt: skip
            else:
                display = f"Podcast Khởi nghiệp cùng {given}"
                show = _code(rng, 22, aid)
                channels.append(("radio_podcast", f"https://open.spotify.com/show/{show}",
                                 rng.randrange(3_000, 150_000), None))  # fmt: skip
            channels.append(("youtube", f"https://www.youtube.com/@{handle}",
                             rng.randrange(10_000, 800_000), None))  # fmt: skip
        else:
            display = f"{full} – Cộng đồng Khởi nghiệp {province_vi[home]}"
            channels.append(("facebook", f"https://www.facebook.com/groups/{handle}",
                             rng.randrange(3_000, 150_000), None))  # fmt: skip
            channels.append(("zalo_oa", f"https://zalo.me/{rng.randrange(10**17, 10**18)}",
                             rng.randrange(1_000, 60_000), None))  # fmt: skip
            channels.append(("linkedin", f"https://www.linkedin.com/in/{handle}",
                             rng.randrange(500, 30_000), None))  # fmt: skip
        status = _profile_status(rng, 0.85, 0.08, 0.04)
        roll = rng.random()
        if roll < 0.3:
            regions = [NATIONWIDE]
        elif roll < 0.6:
            regions = [home, province()]
            regions = list(dict.fromkeys(regions))
        else:
            regions = [home]
        rows.ambassadors.append(
            {
                "id": aid,
                "user_id": user("ambassador", given, created),
                "status": status,
                "display_name": display,
                "channels_done": status != "draft",
                "topics": rng.sample(sectors, rng.randrange(1, 5)),
                "regions": regions,
                "languages": ["vi", "en"] if rng.random() < 0.25 else ["vi"],
                "capacity": rng.choice((2, 3, 4, 5, 8, 10)),
                "skipped": [],
                "paused": status == "approved" and rng.random() < 0.05,
                "leaderboard": rng.random() < 0.4,
                "created_at": created,
                "updated_at": created,
                **decided(status, created),
            }
        )
        for platform, profile_url, audience, _ in channels:
            channel_id += 1
            rows.channels.append(
                {
                    "id": channel_id,
                    "ambassador_id": aid,
                    "platform": platform,
                    "url": profile_url,
                    "audience": audience,
                    "created_at": created,
                }
            )
        amb_info[aid] = {"handle": handle, "channels": channels,
                         "user_id": rows.users[-1]["id"], "row": rows.ambassadors[-1]}  # fmt: skip

    approved_startups = [s["id"] for s in rows.startups if s["status"] == "approved"]
    approved_ambs = [a["id"] for a in rows.ambassadors if a["status"] == "approved"]
    if not approved_startups or len(approved_ambs) < 16:
        raise ValueError("too few approved members for a demo")
    by_topic: dict[str, list[int]] = {s: [] for s in sectors}
    for aid in approved_ambs:
        for topic in amb_info[aid]["row"]["topics"]:
            by_topic[topic].append(aid)
    # Some startups pitch much more than others.
    s_weights = [rng.paretovariate(1.5) for _ in approved_startups]

    # Requests, each with a plan: its status and the statuses of its assignments.
    plans: list[tuple[dict[str, Any], list[str], str]] = []  # request, slot statuses, scenario
    for rid in range(1, size.requests + 1):
        sid = rng.choices(approved_startups, s_weights)[0]
        info = startup_info[sid]
        opened_at = info["row"]["decided_at"]
        earliest = max(opened_at + timedelta(days=1), now - timedelta(days=400))
        created = _between(rng, earliest, now - timedelta(days=1))
        deadline = created + timedelta(days=rng.uniform(10, 40))
        wanted = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
        need = rng.choice(info["row"]["needs"]) if rng.random() < 0.8 else rng.choice(needs)
        story = rng.choice(_STORY_BY_NEED[need]).format(
            brand=info["brand"], what=info["what"], who=info["who"],
            province=province_vi[info["province"]], n=rng.randrange(3, 12),
            metric=rng.choice(_METRICS), round=rng.choice(_ROUNDS),
            months=rng.choice((6, 12, 18, 24, 36)),
        )  # fmt: skip
        campaign_id = None
        local_day = created.astimezone(TZ).date()
        for c in rows.campaigns:
            if c["starts_on"] <= local_day <= c["ends_on"]:
                campaign_id = c["id"]
        slots: list[str] = []
        if deadline < now:
            scenario = rng.choices(
                ("completed", "filled_overdue", "open_short", "cancelled", "rejected"),
                (55, 15, 15, 10, 5),
            )[0]
            if scenario == "completed":
                slots = ["published"] * wanted
            elif scenario == "filled_overdue":
                slots = ["overdue"] + [
                    rng.choice(("published", "overdue")) for _ in range(wanted - 1)
                ]
            elif scenario == "open_short":
                slots = [rng.choice(("published", "published", "overdue"))
                         for _ in range(rng.randrange(0, wanted))]  # fmt: skip
        else:
            scenario = rng.choices(("pending", "open", "filled", "cancelled"), (7, 55, 30, 8))[0]
            if scenario == "filled":
                slots = [rng.choice(("accepted", "accepted", "published")) for _ in range(wanted)]
            elif scenario == "open":
                taken = rng.randrange(0, wanted)
                slots = [rng.choice(("accepted", "accepted", "published")) for _ in range(taken)]
                slots += ["offered"] * rng.randrange(0, wanted - taken + 1)
        status = {
            "completed": "completed", "filled_overdue": "filled", "open_short": "open",
            "cancelled": "cancelled", "rejected": "rejected", "pending": "pending",
            "open": "open", "filled": "filled",
        }[scenario]  # fmt: skip
        decided_at = (
            None if status == "pending" else created + timedelta(minutes=rng.randrange(1, 240))
        )
        request = {
            "id": rid,
            "startup_id": sid,
            "status": status,
            "need": need,
            "story": story,
            "audiences": rng.sample(audiences, rng.randrange(1, 3)),
            "platforms": rng.sample(request_platforms, rng.randrange(1, 4)),
            "regions": (
                [info["province"]]
                if rng.random() < 0.5
                else [NATIONWIDE]
                if rng.random() < 0.5
                else []
            ),
            "languages": ["vi", "en"] if rng.random() < 0.15 else ["vi"],
            "deadline": deadline,
            "wanted": wanted,
            "accepted": sum(1 for s in slots if s in HOLDS_A_SLOT),
            "skipped": [],
            "submitted_at": created,
            "decided_at": decided_at,
            "reject_reason": (
                "Yêu cầu trùng với một yêu cầu đang mở của startup."
                if status == "rejected"
                else None
            ),
            "campaign_id": campaign_id,
            "created_at": created,
            "updated_at": created,
            "_sector": info["sector"],
        }
        rows.requests.append(request)
        plans.append((request, slots, scenario))

    # Extra closed offers (declined, expired, withdrawn, released) to reach the target.
    core = sum(len(slots) for _, slots, _ in plans)
    extras_left = size.assignments - core
    if extras_left < 0:
        raise ValueError(f"{size} asks for fewer assignments than the requests need ({core})")
    eligible = [
        i for i, (_, _, scenario) in enumerate(plans) if scenario not in ("pending", "rejected")
    ]
    cap = min(len(approved_ambs), 15)
    extra_counts = [0] * len(plans)
    while extras_left:
        i = rng.choice(eligible)
        if len(plans[i][1]) + extra_counts[i] < cap:
            extra_counts[i] += 1
            extras_left -= 1

    # Assignments.
    aid_counter = 0
    published: list[dict[str, Any]] = []
    for (request, slots, scenario), n_extra in zip(plans, extra_counts, strict=True):
        n = len(slots) + n_extra
        if not n:
            continue
        topical = by_topic[request.pop("_sector")]
        picked = rng.sample(topical, min(len(topical), (n + 1) // 2)) if topical else []
        seen = set(picked)
        while len(picked) < n:
            candidate = rng.choice(approved_ambs)
            if candidate not in seen:
                seen.add(candidate)
                picked.append(candidate)
        created, deadline = request["created_at"], request["deadline"]
        extra_choices: tuple[str, ...]
        if scenario in ("completed", "filled", "filled_overdue"):
            extra_choices = ("declined", "declined", "expired", "withdrawn", "released")
        elif scenario == "cancelled":
            extra_choices = ("declined", "expired", "withdrawn", "released")
        else:
            extra_choices = ("declined", "declined", "expired", "released")
        statuses = slots + [rng.choice(extra_choices) for _ in range(n_extra)]
        last = created
        for status, amb in zip(statuses, picked, strict=True):
            aid_counter += 1
            if status == "offered":
                offered_at = now - timedelta(hours=rng.uniform(0.5, 20))
            else:
                latest = min(created + timedelta(days=3), now - timedelta(hours=25))
                offered_at = _between(rng, created + timedelta(minutes=2), latest)
            expires_at = offered_at + timedelta(hours=24)
            answered_at = None
            decline_reason = None
            published_at = None
            final = status
            if status in ("accepted", "published", "overdue", "declined", "withdrawn", "released"):
                answered_at = offered_at + timedelta(hours=rng.uniform(0.05, 20))
            if status == "declined":
                decline_reason = rng.choice(("no_time", "not_my_topic", "other"))
            elif status == "released":
                final, decline_reason = Status.CANCELLED.value, "released"
            elif status == "published":
                assert answered_at is not None
                if now - deadline > timedelta(hours=2) and rng.random() < 0.2:  # late
                    published_at = _between(
                        rng, deadline + timedelta(hours=1), min(deadline + timedelta(days=10), now)
                    )
                else:
                    published_at = _between(rng, answered_at, min(deadline, now))
            updated = (
                published_at or answered_at or (expires_at if status == "expired" else offered_at)
            )
            last = max(last, updated)
            row = {
                "id": aid_counter,
                "request_id": request["id"],
                "ambassador_id": amb,
                "status": final,
                "score": round(rng.uniform(0.25, 0.95), 3),
                "reasons": [],
                "offered_by": None,
                "offered_at": offered_at,
                "expires_at": expires_at,
                "answered_at": answered_at,
                "decline_reason": decline_reason,
                "published_at": published_at,
                "snoozes": rng.choice((0, 0, 0, 1, 2)) if status in ("accepted", "overdue") else 0,
                "updated_at": updated,
            }
            rows.assignments.append(row)
            if published_at is not None:
                published.append(row)
        request["updated_at"] = last

    # Links: one per published story, the rest spread over them (cross-posts).
    if len(published) > size.links:
        raise ValueError(f"{len(published)} published stories need more than {size.links} links")
    per_story = [1] * len(published)
    for _ in range(size.links - len(published)):
        per_story[rng.randrange(len(published))] += 1
    requests_by_id = {r["id"]: r for r in rows.requests}
    host_cache: dict[str, str | None] = {}
    link_id = 0
    for row, count in zip(published, per_story, strict=True):
        request = requests_by_id[row["request_id"]]
        info = startup_info[request["startup_id"]]
        writer = amb_info[row["ambassador_id"]]
        for k in range(count):
            link_id += 1
            platform, channel_url, _, pattern = writer["channels"][k % len(writer["channels"])]
            headline = rng.choice(_HEADLINES).format(
                brand=info["brand"], sector=_SECTOR_WORDS_VI[info["sector"]],
                province=province_vi[info["province"]], need=_NEED_WORDS[request["need"]],
                what=info["what"], who=info["who"], founder=info["founder"],
            )  # fmt: skip
            url = _link_url(
                rng, platform, channel_url, pattern, writer["handle"], headline, link_id
            )
            platform_, normalized = _normalized(url, host_cache)
            submitted = row["published_at"]
            if k:
                submitted = min(submitted + timedelta(hours=rng.uniform(0.5, 72)), now)
            checked = rng.random() < 0.85
            rows.links.append(
                {
                    "id": link_id,
                    "assignment_id": row["id"],
                    "request_id": request["id"],
                    "startup_id": request["startup_id"],
                    "ambassador_id": row["ambassador_id"],
                    "submitted_by": writer["user_id"],
                    "platform": platform_,
                    "original_url": url,
                    "normalized_url": normalized,
                    "sponsored": rng.random() < 0.1,
                    "late": submitted > request["deadline"],
                    "submitted_at": submitted,
                    "check_status": 200 if checked else None,
                    "final_url": normalized if checked else None,
                    "title": headline[:300] if checked else None,
                    "page_published_at": submitted - timedelta(hours=rng.uniform(0, 12))
                    if checked
                    else None,
                    "mentions_startup": (rng.random() < 0.9) if checked else None,
                    "checked_at": submitted + timedelta(minutes=5) if checked else None,
                }
            )

    # Groups.
    for gid in range(1, size.groups + 1):
        if gid <= len(_GROUP_TITLES):
            title, tags = _GROUP_TITLES[gid - 1]
        else:
            title, tags = _LOCAL_GROUP_TITLES[gid % len(_LOCAL_GROUP_TITLES)]
        home, sector = province(), rng.choice(sectors)
        title = title.format(
            province=province_vi[home], sector=_SECTOR_WORDS_VI[sector].capitalize()
        )
        created = now - timedelta(days=rng.uniform(10, 400))
        rows.groups.append(
            {
                "id": gid,
                "chat_id": -(1_001_900_000_000 + gid * 7_919 + rng.randrange(7_919)),
                "title": title,
                "type": "supergroup",
                "added_by": None,
                "status": "inactive" if rng.random() < 0.1 else "active",
                "confirmed": rng.random() < 0.85,
                "bot_is_admin": rng.random() < 0.5,
                "member_count": rng.randrange(25, 5_000),
                "tags": [
                    t.format(tag=_slug(province_vi[home]), sector_tag=sector.replace("_", "-"))
                    for t in tags
                ],
                "created_at": created,
                "updated_at": created,
            }
        )

    _outcomes(rows, rng, now)
    _reviews(rows, rng)
    _reminders(rows, now)
    _broadcasts(rows, rng, now, size.broadcasts)
    return rows


#: Assignments that may still bring links (``storage/repositories/outcomes.py``).
_STILL_COMING = ("offered", "accepted", "overdue")
#: How likely each kind is ticked (a story most often brings readers and press).
_OUTCOME_WEIGHTS = {"investor": 12, "partner": 22, "customers": 30, "policy": 6, "media": 30}
_OUTCOME_NOTES: dict[str, tuple[str, ...]] = {
    "investor": (
        "Hai quỹ đầu tư liên hệ sau khi đọc bài, đang trao đổi về vòng gọi vốn tiếp theo.",
        "Một nhà đầu tư thiên thần hẹn gặp trực tiếp tại văn phòng.",
    ),
    "partner": (
        "Một hợp tác xã liên hệ để thử nghiệm sản phẩm trong ba tháng.",
        "Đã ký biên bản ghi nhớ với một doanh nghiệp phân phối.",
    ),
    "customers": (
        "Lượng đăng ký mới tăng gấp đôi trong tuần đăng bài.",
        "Có thêm khoảng 200 khách hàng biết đến sản phẩm qua bài viết.",
    ),
    "policy": ("Sở Khoa học và Công nghệ mời tham dự buổi đối thoại về cơ chế thử nghiệm.",),
    "media": (
        "Hai tờ báo khác đăng lại bài và mời phỏng vấn.",
        "Được mời lên bản tin khởi nghiệp của đài truyền hình địa phương.",
    ),
    "nothing": ("Chưa thấy thay đổi rõ rệt, sẽ theo dõi thêm.",),
}


def _outcomes(rows: _Rows, rng: random.Random, now: datetime) -> None:
    """What came of each request whose links are in, asked as the daily pass would:
    30 days after the last link (within the following day); about 70 % answered
    within ten days, 15 % of those "nothing yet", the rest 1 to 3 kinds; 40 % of the
    answers with a Vietnamese note."""
    coming = {a["request_id"] for a in rows.assignments if a["status"] in _STILL_COMING}
    last_link: dict[int, datetime] = {}
    for link in rows.links:
        rid = link["request_id"]
        last_link[rid] = max(last_link.get(rid, link["submitted_at"]), link["submitted_at"])
    others = [k for k in OUTCOME_KINDS if k != "nothing"]
    weights = [_OUTCOME_WEIGHTS[k] for k in others]
    for request in rows.requests:
        rid = request["id"]
        last = last_link.get(rid)
        if last is None or rid in coming:
            continue
        asked_at = last + OUTCOME_AFTER + timedelta(hours=rng.uniform(0, 24))
        if asked_at > now:
            continue
        answered_at = None
        kinds: list[str] = []
        note = None
        if rng.random() < 0.7:
            first, latest = (
                asked_at + timedelta(minutes=10),
                min(asked_at + timedelta(days=10), now),
            )
            answered_at = _between(rng, first, latest) if first <= latest else None
        if answered_at is not None:
            if rng.random() < 0.15:
                kinds = ["nothing"]
            else:
                wanted = rng.choice((1, 1, 1, 2, 2, 3))
                picked: set[str] = set()
                while len(picked) < wanted:
                    picked.add(rng.choices(others, weights)[0])
                kinds = [k for k in OUTCOME_KINDS if k in picked]
            if rng.random() < 0.4:
                note = rng.choice(_OUTCOME_NOTES[rng.choice(kinds)])
        rows.outcomes.append(
            {
                "id": len(rows.outcomes) + 1,
                "request_id": rid,
                "asked_at": asked_at,
                "answered_at": answered_at,
                "kinds": kinds,
                "note": note,
            }
        )


#: Organizers who decide and broadcast in the demo (Telegram-like ids below the demo
#: people's; not stored in ``organizers``, which ``--fresh`` keeps).
DEMO_ORGANIZERS = (USER_ID_BASE - 101, USER_ID_BASE - 202, USER_ID_BASE - 303)


def _reviews(rows: _Rows, rng: random.Random) -> None:
    """The audit trail ``bot/services/registration.py`` and ``bot/services/review.py``
    write: "submitted" by the person at ``submitted_at`` for every profile sent for
    review, then "approved" or "rejected" (with the profile's ``reject_reason``) by an
    organizer at ``decided_at``, who also becomes the profile's ``decided_by``. Rows
    are numbered in time order."""
    found: list[tuple[datetime, int, dict[str, Any]]] = []
    for subject, profiles in (("startup", rows.startups), ("ambassador", rows.ambassadors)):
        for profile in profiles:
            profile["decided_by"] = None
            if profile["submitted_at"] is None:
                continue
            base = {"subject_type": subject, "subject_id": profile["id"], "changed_fields": []}
            found.append((profile["submitted_at"], 0, {
                **base, "actor_id": profile["user_id"], "decision": "submitted", "reason": None,
                "created_at": profile["submitted_at"],
            }))  # fmt: skip
            if profile["status"] in ("approved", "rejected"):
                actor = rng.choice(DEMO_ORGANIZERS)
                profile["decided_by"] = actor
                found.append((profile["decided_at"], 1, {
                    **base, "actor_id": actor, "decision": profile["status"],
                    "reason": profile["reject_reason"], "created_at": profile["decided_at"],
                }))  # fmt: skip
    found.sort(key=lambda item: (item[0], item[1]))
    for n, (_, _, row) in enumerate(found, start=1):
        rows.reviews.append({"id": n, **row})


def _reminders(rows: _Rows, now: datetime) -> None:
    """What ``ReminderService.plan_for`` stored when each accepted story was accepted,
    as it stands at ``now``: the real planner (``reminder_policy.plan`` with the default
    REMINDER_POLICY, QUIET_HOURS and TIMEZONE) cut at ``now``, all still ``planned``.
    Steps already behind were sent (or skipped) and are not kept, and neither are
    earlier snoozes; overdue stories have none left (their "mark_overdue" ran)."""
    deadlines = {r["id"]: r["deadline"] for r in rows.requests}
    for a in rows.assignments:
        if a["status"] != "accepted":
            continue
        for step in plan(deadlines[a["request_id"]], now, TZ, DEFAULT_POLICY, DEFAULT_QUIET):
            rows.reminders.append(
                {
                    "id": len(rows.reminders) + 1,
                    "assignment_id": a["id"],
                    "kind": step.kind.value,
                    "seq": step.seq,
                    "due_at": step.due_at,
                    "loud": step.loud,
                    "status": "planned",
                    "attempts": 0,
                    "created_at": a["answered_at"],
                }
            )


#: (message, audience, options) of the demo broadcasts, in the order they went out;
#: the last one is scheduled, the third one was stopped. The first line is bold.
_BROADCASTS: tuple[tuple[str, Audience, tuple[str, ...]], ...] = (
    ("📣 Kêu gọi đại sứ tháng này\nBan tổ chức đang có nhiều yêu cầu bài viết mới từ các "
     "startup nông nghiệp và giáo dục. Mời các đại sứ mở bot, xem lời mời và nhận bài phù hợp "
     "với kênh của mình. Vui lòng bấm nút bên dưới để xác nhận đã đọc.",
     Audience(ambassadors=True), ("ack",)),
    ("🗓 Lịch Techfest Việt Nam\nChuỗi sự kiện kết nối startup với nhà đầu tư, báo chí và "
     "đối tác sẽ diễn ra tại Hà Nội, Đà Nẵng và TP. Hồ Chí Minh. Chi tiết đăng ký gửi kèm "
     "trong nhóm; mời các thành viên chia sẻ rộng rãi.",
     Audience(all_groups=True), ("pin",)),
    ("Khảo sát nhanh cho startup và đại sứ\nChúng tôi muốn biết các câu chuyện đã đăng mang "
     "lại điều gì cho doanh nghiệp của bạn. Khảo sát chỉ mất 3 phút, hạn chót cuối tuần này.",
     Audience(ambassadors=True, startups=True), ()),
    ("Mở đăng ký yêu cầu bài viết quý mới\nCác startup đã được duyệt có thể gửi yêu cầu "
     "bài viết ngay trong bot: mô tả câu chuyện, đối tượng độc giả và hạn chót mong muốn. "
     "Mỗi yêu cầu sẽ được ban tổ chức xem xét trong 2 ngày làm việc.",
     Audience(startups=True), ("ack",)),
    ("Tập huấn trực tuyến: kể chuyện startup hấp dẫn\nBuổi tập huấn dành cho đại sứ và "
     "phóng viên, chia sẻ cách phỏng vấn nhà sáng lập và viết bài chuẩn SEO. Đường dẫn tham "
     "dự sẽ được gửi trong nhóm trước giờ bắt đầu 30 phút.",
     Audience(tags=("dai-su",), ambassadors=True), ("pin",)),
    ("Nhắc nhở gửi đường link bài đã đăng\nNếu bạn đã đăng bài, hãy gửi đường link trong "
     "bot để startup và ban tổ chức ghi nhận. Bài đăng trễ hạn vẫn được tính, chỉ cần gửi "
     "link sớm nhất có thể.",
     Audience(ambassadors=True), ("silent",)),
    ("Hội thảo gọi vốn cho startup giai đoạn đầu\nCác quỹ đầu tư và nhà đầu tư thiên thần "
     "sẽ chia sẻ kinh nghiệm chuẩn bị hồ sơ gọi vốn. Startup quan tâm vui lòng đăng ký "
     "trước thứ Sáu.",
     Audience(tags=("startup",), startups=True), ("ack",)),
    ("Thông cáo báo chí: Tuần lễ Đổi mới sáng tạo\nBan tổ chức gửi các cơ quan báo chí "
     "thông cáo và bộ ảnh chính thức của chương trình. Mọi thắc mắc xin liên hệ bộ phận "
     "truyền thông.",
     Audience(tags=("bao-chi",)), ("pin",)),
    ("Bảng xếp hạng đại sứ tháng\nCảm ơn các đại sứ đã đồng hành! Bảng xếp hạng theo số "
     "bài đăng đúng hạn đã được cập nhật; những người dẫn đầu sẽ được mời giao lưu tại Demo "
     "Day.",
     Audience(ambassadors=True), ()),
    ("Cập nhật hồ sơ startup\nMột số hồ sơ còn thiếu website hoặc số điện thoại liên hệ. "
     "Vui lòng kiểm tra và bổ sung để đại sứ dễ dàng liên hệ khi viết bài.",
     Audience(startups=True), ("ack",)),
    ("Cảm ơn cộng đồng\nChiến dịch năm nay đã có hàng trăm câu chuyện khởi nghiệp được lan "
     "tỏa trên báo chí và mạng xã hội. Cảm ơn các nhóm đã đồng hành cùng chương trình.",
     Audience(all_groups=True, ambassadors=True), ()),
    ("🎤 Demo Day: mời tham dự\nDemo Day của Tuần lễ Đổi mới sáng tạo sẽ phát trực tiếp trên "
     "các kênh của chương trình. Mời startup, đại sứ và các nhóm cộng đồng cùng theo dõi và "
     "chia sẻ.",
     Audience(all_groups=True, ambassadors=True, startups=True), ("pin", "ack")),
)  # fmt: skip
_STOPPED = 3
#: How a failed delivery reads (as aiogram words Telegram's answer), by reason.
_DELIVERY_ERRORS = {
    "blocked": "Telegram server says - Forbidden: bot was blocked by the user",
    "removed": "Telegram server says - Forbidden: bot was kicked from the supergroup chat",
    "not_found": "Telegram server says - Bad Request: chat not found",
}


def _broadcasts(rows: _Rows, rng: random.Random, now: datetime, count: int) -> None:
    """``count`` broadcasts by the demo organizers over the last five months, as
    ``BroadcastService`` and the sender leave them: every recipient a delivery row
    (who the audience named at the start: confirmed groups, approved people), ``done``
    ones with every row sent or failed, the third one ``stopped`` part-way (the rest
    cancelled), the last one ``scheduled`` a few days ahead (rows planned). Done and
    stopped ones have their counts cached and their report sent. People who blocked
    the bot (``blocked``) have written to it since, which cleared the mark; a group
    that removed the bot (``removed``) is inactive now and left out afterwards."""
    chosen = [*_BROADCASTS[: count - 1], _BROADCASTS[-1]]
    users = {u["id"]: u for u in rows.users}
    people = sorted(
        (p["decided_at"], p["user_id"])
        for p in (*rows.startups, *rows.ambassadors)
        if p["status"] == "approved"
    )
    roles = {u["id"]: u["role"] for u in rows.users}
    ambassador_users = [a["user_id"] for a in rows.ambassadors if a["status"] == "approved"]
    removed: set[int] = set()
    days = sorted(rng.uniform(2, 150) for _ in range(len(chosen) - 1))[::-1]
    sender = f"in2spire-bot:{rng.randrange(100, 9999)}:{rng.randrange(16**8):08x}"
    for bid, (message, audience, option_names) in enumerate(chosen, start=1):
        scheduled = bid == len(chosen)
        organizer = rng.choice(DEMO_ORGANIZERS)
        if scheduled:
            local_day = (now + timedelta(days=rng.randrange(2, 6))).astimezone(TZ).date()
            start = datetime.combine(local_day, dtime(9, 0), TZ).astimezone(now.tzinfo)
            created = now - timedelta(hours=rng.uniform(1, 30))
        else:
            local_day = (now - timedelta(days=days[bid - 1])).astimezone(TZ).date()
            wall = dtime(rng.randrange(8, 20), rng.randrange(60))
            start = datetime.combine(local_day, wall, TZ).astimezone(now.tzinfo)
            created = start - timedelta(minutes=rng.uniform(3, 40))
        title = message.split("\n", 1)[0]
        content = {
            "text": message,
            "entities": [
                {"type": "bold", "offset": 0, "length": len(title.encode("utf-16-le")) // 2}
            ],
        }
        # Recipients as ``BroadcastService.recipients`` names them at the start.
        recipients: list[tuple[int, str, int | None]] = []
        if audience.all_groups or audience.tags:
            for g in rows.groups:
                if not g["confirmed"] or g["created_at"] > start or g["id"] in removed:
                    continue
                if scheduled and g["status"] != "active":
                    continue
                if audience.all_groups or set(audience.tags) & set(g["tags"]):
                    recipients.append((g["chat_id"], "group", g["id"]))
        wanted = {r for r, on in (("ambassador", audience.ambassadors),
                                  ("startup", audience.startups)) if on}  # fmt: skip
        if wanted:
            chosen_people = sorted(
                uid for when, uid in people if when <= min(start, now) and roles[uid] in wanted
            )
            recipients.extend((uid, "private", None) for uid in chosen_people)
        stop_at = len(recipients) * rng.uniform(0.3, 0.7) if bid == _STOPPED else None
        at = start
        sent = failed_total = cancelled = 0
        failed: dict[str, int] = {}
        first_delivery = len(rows.deliveries)
        for n, (chat_id, kind, group_id) in enumerate(recipients):
            row: dict[str, Any] = {
                "id": len(rows.deliveries) + 1, "broadcast_id": bid, "chat_id": chat_id,
                "kind": kind, "group_id": group_id, "status": "planned", "attempts": 0,
                "claimed_by": None, "claimed_at": None, "not_before": start,
                "message_id": None, "error_reason": None, "error": None, "sent_at": None,
            }  # fmt: skip
            rows.deliveries.append(row)
            if scheduled:
                continue
            if stop_at is not None and n >= stop_at:
                row["status"] = "cancelled"
                cancelled += 1
                continue
            at += timedelta(seconds=rng.uniform(0.04, 0.12) if kind == "private" else 3.1)
            row.update(attempts=1, claimed_by=sender, claimed_at=at - timedelta(seconds=0.5))
            reason = None
            if kind == "group":
                group = rows.groups[group_id - 1]  # type: ignore[operator]
                if group["status"] == "inactive":
                    reason = "removed"
                    removed.add(group["id"])
            else:
                roll = rng.random()
                reason = "blocked" if roll < 0.025 else "not_found" if roll < 0.03 else None
            if reason is not None:
                row.update(status="failed", error_reason=reason, error=_DELIVERY_ERRORS[reason])
                failed[reason] = failed.get(reason, 0) + 1
                failed_total += 1
            else:
                big = kind == "group"
                row.update(
                    status="sent", sent_at=at,
                    message_id=rng.randrange(2_000, 90_000) if big else rng.randrange(20, 3_000),
                )  # fmt: skip
                sent += 1
        status = "scheduled" if scheduled else "stopped" if bid == _STOPPED else "done"
        finished = None if scheduled else at + timedelta(seconds=rng.uniform(1, 5))
        options = {name: name in option_names for name in ("pin", "silent", "ack")}
        rows.broadcasts.append(
            {
                "id": bid,
                "created_by": organizer,
                "status": status,
                "content": content,
                "options": options,
                "audience": audience.as_json(),
                "scheduled_at": start if scheduled else None,
                "started_at": None if scheduled else start,
                "finished_at": finished,
                "counts": None
                if scheduled
                else {
                    "sent": sent,
                    "failed": dict(sorted(failed.items())),
                    "planned": 0,
                    "claimed": 0,
                    "cancelled": cancelled,
                },
                "progress_chat_id": None if scheduled else organizer,
                "progress_message_id": None if scheduled else rng.randrange(100, 20_000),
                "reported_at": None if finished is None else finished + timedelta(seconds=2),
                "created_at": created,
                "updated_at": finished or created,
            }
        )
        if not options["ack"] or scheduled:
            continue
        # "Got it": about half the people, and a few members of each group.
        for row in rows.deliveries[first_delivery:]:
            if row["status"] != "sent":
                continue
            if row["kind"] == "private":
                who = [row["chat_id"]] if rng.random() < 0.5 else []
            else:
                who = rng.sample(ambassador_users, min(len(ambassador_users), rng.randrange(0, 6)))
            for user_id in who:
                acked = row["sent_at"] + timedelta(minutes=rng.lognormvariate(3, 1.5))
                if acked > now or user_id not in users:
                    continue
                rows.acks.append(
                    {
                        "id": len(rows.acks) + 1,
                        "delivery_id": row["id"],
                        "user_id": user_id,
                        "acked_at": acked,
                    }
                )


def _normalized(url: str, cache: dict[str, str | None]) -> tuple[str, str]:
    """(platform, normalized URL) as ``normalize_link`` makes them.

    The generated URLs are already canonical, so a host whose first URL comes back
    unchanged is trusted afterwards (the tests check every link of a small set);
    hosts whose URLs change go through ``normalize_link`` every time.
    """
    host = url.split("/", 3)[2]
    known = cache.get(host, "")
    if known:
        return known, url
    found = normalize_link(url)
    cache[host] = found.platform if known == "" and found.normalized == url else None
    return found.platform, found.normalized


def _link_url(
    rng: random.Random,
    platform: str,
    channel_url: str | None,
    pattern: str | None,
    handle: str,
    headline: str,
    uid: int,
) -> str:
    """A realistic URL of one published piece on ``platform`` (``uid`` keeps it unique)."""
    slug = _slug(headline)
    big = uid * 1_000 + rng.randrange(1_000)
    if pattern is not None:  # press and TV
        return pattern.format(
            slug=slug, n6=f"{100_000 + uid:06d}", n7=f"{4_000_000 + uid:07d}",
            n8=f"{big:08d}", n9=f"{big:09d}", n10=f"{big:010d}", n11=f"{big:011d}",
        )  # fmt: skip
    if platform == "facebook":
        base = (channel_url or f"https://www.facebook.com/{handle}").rstrip("/")
        return f"{base}/posts/{1_000_000_000_000_000 + big}"
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{handle}/video/{7_400_000_000_000_000_000 + big}"
    if platform == "youtube":
        if rng.random() < 0.3:
            return f"https://www.youtube.com/shorts/{_code(rng, 11, uid)}"
        return f"https://www.youtube.com/watch?v={_code(rng, 11, uid)}"
    if platform == "instagram":
        return f"https://www.instagram.com/p/{_code(rng, 11, uid)}/"
    if platform == "threads":
        return f"https://www.threads.com/@{handle}/post/{_code(rng, 11, uid)}"
    if platform == "zalo_oa":
        return f"{channel_url}/bai-viet/{slug}-{uid}"
    if platform == "linkedin":
        return (
            f"https://www.linkedin.com/posts/{handle}_{slug[:40]}-activity-"
            f"{7_300_000_000_000_000_000 + big}-{_code(rng, 8, uid)[:4]}"
        )
    if platform == "radio_podcast":
        return f"https://open.spotify.com/episode/{_code(rng, 22, uid)}"
    return f"https://{handle}.blogspot.com/{slug}-{uid}.html"


# ------------------------------------------------------------------ database


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in KEPT_TABLES]


async def nonempty_tables(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    """Tables that hold rows (the organizers' own tables aside)."""
    found = []
    async with sessionmaker() as session:
        for table in _tables():
            probe = select(func.count()).select_from(
                select(text("1")).select_from(table).limit(1).subquery()
            )
            if await session.scalar(probe):
                found.append(table.name)
    return found


async def wipe(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Delete every row but the organizers' (one transaction)."""
    async with sessionmaker.begin() as session:
        for table in reversed(_tables()):
            await session.execute(delete(table))


_SEQUENCED = ("campaigns", "startups", "ambassadors", "ambassador_channels", "story_requests",
              "assignments", "links", "request_outcomes", "groups", "review_decisions",
              "reminders", "broadcasts", "broadcast_deliveries", "broadcast_acks")  # fmt: skip


async def seed_demo(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    size: str = "small",
    seed: int = 1,
    now: datetime,
    fresh: bool = False,
    progress: ProgressFn | None = None,
) -> DemoSummary:
    """Insert the demo data set; ``NotEmpty`` if the database holds data, unless
    ``fresh`` (which deletes everything but the organizers first)."""

    if size not in SIZES:
        raise ValueError(f"unknown size {size!r} (small, medium or large)")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    started = time.perf_counter()
    if fresh:
        await wipe(sessionmaker)
    elif tables := await nonempty_tables(sessionmaker):
        raise NotEmpty(tables)
    rows = build_rows(SIZES[size], seed=seed, now=now)
    plan: list[tuple[str, Table, list[dict[str, Any]]]] = [
        ("users", User.__table__, rows.users),  # type: ignore[list-item]
        ("campaigns", Campaign.__table__, rows.campaigns),  # type: ignore[list-item]
        ("startups", Startup.__table__, rows.startups),  # type: ignore[list-item]
        ("ambassadors", Ambassador.__table__, rows.ambassadors),  # type: ignore[list-item]
        ("channels", Channel.__table__, rows.channels),  # type: ignore[list-item]
        ("requests", StoryRequest.__table__, rows.requests),  # type: ignore[list-item]
        ("assignments", Assignment.__table__, rows.assignments),  # type: ignore[list-item]
        ("links", Link.__table__, rows.links),  # type: ignore[list-item]
        ("outcomes", RequestOutcome.__table__, rows.outcomes),  # type: ignore[list-item]
        ("groups", Group.__table__, rows.groups),  # type: ignore[list-item]
        ("reviews", ReviewDecision.__table__, rows.reviews),  # type: ignore[list-item]
        ("reminders", Reminder.__table__, rows.reminders),  # type: ignore[list-item]
        ("broadcasts", Broadcast.__table__, rows.broadcasts),  # type: ignore[list-item]
        ("deliveries", BroadcastDelivery.__table__, rows.deliveries),  # type: ignore[list-item]
        ("acks", BroadcastAck.__table__, rows.acks),  # type: ignore[list-item]
    ]
    for label, table, batch in plan:
        if progress:
            progress(label, 0, len(batch))
        async with sessionmaker.begin() as session:
            for start in range(0, len(batch), CHUNK):
                chunk = batch[start : start + CHUNK]
                await session.execute(insert(table), chunk)
                if progress:
                    progress(label, start + len(chunk), len(batch))
    async with sessionmaker.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            for name in _SEQUENCED:
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
                    )
                )

    def by_status(batch: list[dict[str, Any]]) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in batch:
            out[row["status"]] = out.get(row["status"], 0) + 1
        return dict(sorted(out.items()))

    return DemoSummary(
        users=len(rows.users),
        campaigns=len(rows.campaigns),
        startups=len(rows.startups),
        ambassadors=len(rows.ambassadors),
        channels=len(rows.channels),
        requests=len(rows.requests),
        assignments=len(rows.assignments),
        links=len(rows.links),
        outcomes=len(rows.outcomes),
        groups=len(rows.groups),
        reviews=len(rows.reviews),
        reminders=len(rows.reminders),
        broadcasts=len(rows.broadcasts),
        deliveries=len(rows.deliveries),
        acks=len(rows.acks),
        seconds=round(time.perf_counter() - started, 2),
        by_status={
            "startups": by_status(rows.startups),
            "ambassadors": by_status(rows.ambassadors),
            "requests": by_status(rows.requests),
            "assignments": by_status(rows.assignments),
            "broadcasts": by_status(rows.broadcasts),
            "deliveries": by_status(rows.deliveries),
        },
    )


__all__ = ["SIZES", "DemoSummary", "NotEmpty", "build_rows", "nonempty_tables", "seed_demo", "wipe"]
