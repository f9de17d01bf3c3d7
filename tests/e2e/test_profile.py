"""/profile: editing an approved profile; only key fields go back to review."""

from __future__ import annotations

import pytest

from sandbox import Emulator, SimUser
from tests.e2e.conftest import ORGANIZER_ID
from tests.e2e.flows import expect, register_startup, submit, t

pytestmark = pytest.mark.usefixtures("running_bot")


async def approved_startup(emulator: Emulator, user_id: int, lang: str) -> SimUser:
    founder = emulator.user(id=user_id, first_name="Tâm", language_code=lang)
    await register_startup(founder, lang)
    await submit(founder, lang)
    organizer = emulator.user(id=ORGANIZER_ID)
    await organizer.expect_message()
    await organizer.press(t("vi", "btn.approve"))
    await organizer.expect_edit()
    await expect(founder, lang, "decision.approved", role=t(lang, "role.name.startup"))
    return founder


async def edit_field(user: SimUser, lang: str, field_label_key: str) -> None:
    await user.send("/profile")
    card = await user.expect_message()
    assert t(lang, "btn.edit_field") in card.button_texts
    await user.press(t(lang, "btn.edit_field"))
    await user.expect_edit()
    await user.press(t(lang, field_label_key))
    await user.expect_edit()


async def test_contact_edit_applies_at_once(emulator: Emulator) -> None:
    lang = "vi"
    founder = await approved_startup(emulator, 7_800_000_001, lang)
    await edit_field(founder, lang, "field.phone")
    question = await founder.expect_message()
    assert question.text.startswith(t(lang, "ask.phone")[:20])
    assert "+84901234567" in question.text  # the current value is shown
    await founder.send("0912 345 678")
    card = await founder.expect_message()
    assert "+84912345678" in card.text
    assert t(lang, "status.approved") in card.text


async def test_company_name_edit_goes_back_to_review(emulator: Emulator) -> None:
    lang = "en"
    founder = await approved_startup(emulator, 7_800_000_002, lang)
    await edit_field(founder, lang, "field.company_name")
    await founder.expect_message()
    await founder.send("Nông Trại Số 2")
    await expect(founder, lang, "reg.back_to_review")
    card = await founder.expect_message()
    assert t(lang, "status.pending") in card.text
    organizer = emulator.user(id=ORGANIZER_ID)
    review = await organizer.expect_message()
    assert t("vi", "review.changed_fields", fields=t("vi", "field.company_name")) in review.html
    assert "Nông Trại Số 2" in review.text
