"""The full export over the emulator (issue #7): an organizer asks /export, picks
"Everything", a scope (this month) and XLSX, and gets a workbook that openpyxl opens
with the six sheets holding the pitch, the offer and the link (Vietnamese intact);
CSV comes as a ZIP of six files. A startup's forged export buttons are refused."""

from __future__ import annotations

import io
import zipfile
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.services.links import LinkService
from bot.ui.callbacks import ExportCB
from sandbox import Emulator
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import A, seed, submit_pitch

LANG = "vi"


async def test_organizer_exports_everything(running_bot: RunningBot, emulator: Emulator) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await submit_pitch(world.founder, wanted=1)
    lan = world.ambassadors[A]
    offer = await lan.expect_message()
    await lan.press(t(LANG, "offer.btn.accept"), message=offer)
    await world.founder.expect_message()  # the acceptance news
    async with world.sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        story = (await repos.assignments.for_request(1))[0]
        links = LinkService(repos, running_bot.clock, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
        done = await links.confirm(A, story.id, [("https://www.facebook.com/nts/posts/1", False)])
        assert done.stored

    org = emulator.user(id=ORGANIZER_ID, first_name="Organizer", language_code=LANG)
    await org.send("/start")
    await org.expect_message()
    await org.send("/export")
    question = await org.expect_message()
    assert question.button_texts[-1] == t(LANG, "export.btn.full")
    await org.press(t(LANG, "export.btn.full"), message=question)
    scopes = await org.expect_message()
    assert scopes.html == t(LANG, "export.choose")
    await org.press(t(LANG, "report.btn.month"), message=scopes)
    formats = await org.expect_edit()
    assert formats.button_texts == [t(LANG, "export.btn.xlsx"), t(LANG, "export.btn.csv")]

    await org.press(t(LANG, "export.btn.xlsx"), message=formats)
    sent = await org.expect_message()
    assert sent.document is not None
    name = sent.document["file_name"]
    assert name.startswith("export-month-") and name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(emulator.world.files[sent.document["file_id"]].data))
    assert len(book.worksheets) == 6
    rows = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    requests = rows[t(LANG, "export.sheet.requests")]
    assert len(requests) == 2 and requests[1][2] == "Nông Trại Số" and requests[1][3] == "Cần Thơ"
    assert len(rows[t(LANG, "export.sheet.assignments")]) == 2
    link_rows = rows[t(LANG, "export.sheet.links")]
    assert len(link_rows) == 2 and link_rows[1][3] == "Lan"
    assert sent.caption.startswith("📦") and "1 yêu cầu, 1 lời mời, 1 liên kết" in sent.caption

    await org.press(t(LANG, "export.btn.csv"), message=formats)
    zipped = await org.expect_message()
    assert zipped.document is not None and zipped.document["file_name"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(emulator.world.files[zipped.document["file_id"]].data))
    assert len(archive.namelist()) == 6
    links_csv = archive.read("links.csv")
    assert links_csv.startswith(b"\xef\xbb\xbf") and "Nông Trại Số" in links_csv.decode("utf-8-sig")

    # A startup: forged export buttons are refused, whatever they say.
    for data in (
        ExportCB(action="scope"),
        ExportCB(action="fmt", kind="month"),
        ExportCB(action="go", kind="month", fmt="xlsx"),
        ExportCB(action="go", kind="campaign", id=1, fmt="csv"),
    ):
        forged = await world.founder.press_data(
            data.pack(), message=world.founder.last_bot_message()
        )
        assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
    # An organizer's forged format or campaign is refused too.
    bad = await org.press_data(
        ExportCB(action="go", kind="month", fmt="pdf").pack(), message=formats
    )
    assert bad.show_alert
    gone = await org.press_data(
        ExportCB(action="fmt", kind="campaign", id=99).pack(), message=scopes
    )
    assert gone.show_alert and gone.text == t(LANG, "campaign.error.gone")
