"""The sandbox page's HTTP API against a real LocalSandbox: the emulator, the real bot
long polling it, the page server, a temporary database, free ports, real HTTP."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from sandbox.local import BOT_USERNAME, SANDBOX_TOKEN, LocalSandbox, sqlite_url
from sandbox.web.personas import FIRST_PERSON_ID, ORGANIZER_ID
from tests.conftest import FakeClock
from tests.sandbox_web.conftest import Api

BOT_ID = int(SANDBOX_TOKEN.split(":")[0])


async def new_person(api: Api, name: str = "Minh Anh", lang: str = "en") -> int:
    persona = await api.ok("/api/personas", {"name": name, "lang": lang})
    return int(persona["id"])


async def test_state_and_page(api: Api, sandbox: LocalSandbox) -> None:
    status, state = await api.get("/api/state")
    assert status == 200
    assert state["bot"] == {"id": BOT_ID, "username": BOT_USERNAME, "name": "in2spire (sandbox)"}
    assert state["personas"] == [
        {"id": ORGANIZER_ID, "name": "Thu Hà", "lang": "vi", "role": "organizer"}
    ]
    assert state["groups"] == []
    assert state["clock"] == {
        "now": "2026-03-02T02:00:00+00:00",
        "local": "02/03/2026 09:00",
        "offset_seconds": 0,
    }
    async with api.session.get(api.base + "/") as resp:
        assert resp.status == 200
        assert resp.content_type == "text/html"
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        page = await resp.text()
    assert f'data-persona="{ORGANIZER_ID}"' in page and f'data-chat="{ORGANIZER_ID}"' in page
    assert "Thu Hà" in page and "02/03/2026 09:00" in page
    assert "$personas_html" not in page and "$state_json" not in page
    inline = page.split('<script type="application/json" id="state">', 1)[1].split("</script>")[0]
    assert json.loads(inline)["bot"]["username"] == BOT_USERNAME
    # An unknown persona or chat falls back to the organizer's chat with the bot.
    async with api.session.get(api.base + "/", params={"persona": "42", "chat": "x"}) as resp:
        assert resp.status == 200
        assert f'data-persona="{ORGANIZER_ID}"' in await resp.text()


async def test_create_persona(api: Api, sandbox: LocalSandbox) -> None:
    async with api.events(ORGANIZER_ID) as events:
        status, persona = await api.post("/api/personas", {"name": "  Minh   Anh ", "lang": "en"})
        assert status == 201
        assert persona == {
            "id": FIRST_PERSON_ID,
            "name": "Minh Anh",
            "lang": "en",
            "role": "person",
        }
        await events.wait_for("state")
    second = await new_person(api, "Lan", "vi")
    assert second == FIRST_PERSON_ID + 1
    for bad in ({"name": "", "lang": "vi"}, {"name": "X", "lang": "fr"}, {"name": "A" * 65}, {}):
        status, body = await api.post("/api/personas", bad)
        assert status == 400 and body["error"]
    _, state = await api.get("/api/state")
    assert [p["id"] for p in state["personas"]] == [ORGANIZER_ID, FIRST_PERSON_ID, second]
    saved = json.loads(sandbox.personas.path.read_text(encoding="utf-8"))
    assert [p["id"] for p in saved["personas"]] == [FIRST_PERSON_ID, second]
    _, chats = await api.get("/api/chats", persona=FIRST_PERSON_ID)
    assert chats == [
        {"id": FIRST_PERSON_ID, "title": "in2spire (sandbox)", "type": "private", "unread": 0}
    ]
    status, body = await api.get("/api/chats", persona=123)
    assert status == 404 and body == {"error": "Không có nhân vật này"}  # Vietnamese by default
    status, body = await api.get("/api/chats", persona=123, lang="en")
    assert status == 404 and body == {"error": "no such persona"}


async def test_start_welcome_press_and_edit(api: Api) -> None:
    me = await new_person(api)
    async with api.events(me) as events, api.events(ORGANIZER_ID) as organizer_events:
        await api.ok("/api/send", {"persona": me, "chat": me, "text": "/start"})
        own = await events.wait_for("message", from_id=me)
        assert "/start" in own["html"] and 'class="msg msg--user"' in own["html"]
        welcome = await events.wait_for("message", from_id=BOT_ID)
        assert welcome["chat_id"] == me
        assert 'class="msg msg--bot"' in welcome["html"]
        assert 'class="kb-btn" data-data="lang:en"' in welcome["html"]
        _, data = await api.get("/api/messages", persona=me, chat=me)
        assert [m["id"] for m in data["messages"]] == [1, welcome["message_id"]]
        last = data["messages"][-1]
        assert last["from"] == {"id": BOT_ID, "name": "in2spire (sandbox)", "is_bot": True}
        assert last["html"] == welcome["html"] and last["deleted"] is False
        assert datetime.fromisoformat(last["date"]) == FakeClock()()  # the sandbox clock
        assert {"command": "start", "description": "Start / continue registration"} in data[
            "commands"
        ] or any(c["command"] == "start" for c in data["commands"])
        assert data["reply_keyboard"] is None
        # Pressing a button: the bot answers the callback and edits the message in place.
        pressed = await api.ok(
            "/api/press",
            {"persona": me, "chat": me, "message_id": welcome["message_id"], "data": "lang:en"},
        )
        assert set(pressed) == {"answer"}
        assert pressed["answer"] is None or set(pressed["answer"]) == {"text", "show_alert", "url"}
        edit = await events.wait_for("edit", message_id=welcome["message_id"])
        assert edit["chat_id"] == me and "lang:en" not in edit["html"]
        # Only buttons the message has can be pressed; only the bot's messages.
        status, body = await api.post(
            "/api/press", {"persona": me, "chat": me, "message_id": 1, "data": "lang:en"}
        )
        assert status == 404
        status, body = await api.post(
            "/api/press",
            {"persona": me, "chat": me, "message_id": welcome["message_id"], "data": "admin:x"},
        )
        assert status == 400 and body["error"]
        # The organizer's stream saw none of this private chat: its first message event
        # is the organizer's own.
        await api.ok("/api/send", {"persona": ORGANIZER_ID, "chat": ORGANIZER_ID, "text": "hi"})
        kind, first = await organizer_events.next()
        while kind != "message":
            kind, first = await organizer_events.next()
        assert first["chat_id"] == ORGANIZER_ID and first["from_id"] == ORGANIZER_ID
    # Someone else's private chat is not readable.
    status, _ = await api.get("/api/messages", persona=ORGANIZER_ID, chat=me)
    assert status == 404


async def test_unread_counts(api: Api) -> None:
    me = await new_person(api)
    async with api.events(me) as events:
        await api.ok("/api/send", {"persona": me, "chat": me, "text": "/start"})
        await events.wait_for("message", from_id=BOT_ID)
    _, chats = await api.get("/api/chats", persona=me)
    assert chats[0]["unread"] == 1  # the welcome (one's own message does not count)
    await api.get("/api/messages", persona=me, chat=me)
    _, chats = await api.get("/api/chats", persona=me)
    assert chats[0]["unread"] == 0


async def test_groups(api: Api, sandbox: LocalSandbox) -> None:
    member = await new_person(api, "Hùng", "vi")
    status, group = await api.post(
        "/api/groups", {"title": "Hà Nội <ambassadors>", "persona": ORGANIZER_ID}
    )
    assert status == 201
    gid = group["id"]
    assert group == {
        "id": gid,
        "title": "Hà Nội <ambassadors>",
        "type": "group",
        "members": [ORGANIZER_ID],
        "bot": "none",
    }
    group = await api.ok(f"/api/groups/{gid}/members", {"persona": member})
    assert group["members"] == [ORGANIZER_ID, member]
    status, _ = await api.post(f"/api/groups/{gid}/members", {"persona": member})
    assert status == 400
    _, chats = await api.get("/api/chats", persona=member)
    assert [c["id"] for c in chats] == [member, gid]
    async with api.events(ORGANIZER_ID) as events:
        group = await api.ok(f"/api/groups/{gid}/bot", {"action": "add"})
        assert group["bot"] == "member"
        # The bot tells the organizer (in private) that it was added to a group.
        notice = await events.wait_for("message", chat_id=ORGANIZER_ID, from_id=BOT_ID)
        assert "Hà Nội &lt;ambassadors&gt;" in notice["html"]
        # A member's message in the group reaches the other members' pages.
        await api.ok("/api/send", {"persona": member, "chat": gid, "text": "Xin chào <b>nhóm</b>"})
        posted = await events.wait_for("message", chat_id=gid, from_id=member)
        assert "Xin chào &lt;b&gt;nhóm&lt;/b&gt;" in posted["html"]
    status, _ = await api.post(f"/api/groups/{gid}/bot", {"action": "add"})
    assert status == 400
    group = await api.ok(f"/api/groups/{gid}/bot", {"action": "add_admin"})
    assert group["bot"] == "administrator"
    group = await api.ok(f"/api/groups/{gid}/bot", {"action": "remove"})
    assert group["bot"] == "kicked"
    status, body = await api.post(f"/api/groups/{gid}/bot", {"action": "explode"})
    assert status == 400 and body["error"]
    await api.ok(f"/api/groups/{gid}/bot", {"action": "add"})
    migrated = await api.ok(f"/api/groups/{gid}/migrate")
    assert migrated["id"] != gid and str(migrated["id"]).startswith("-100")
    assert migrated["type"] == "supergroup"
    assert migrated["members"] == [ORGANIZER_ID, member] and migrated["bot"] == "member"
    _, state = await api.get("/api/state")
    assert [g["id"] for g in state["groups"]] == [migrated["id"]]
    status, _ = await api.post(f"/api/groups/{migrated['id']}/migrate")
    assert status == 400  # a supergroup cannot be migrated again
    status, _ = await api.post(f"/api/groups/{gid}/members", {"persona": ORGANIZER_ID})
    assert status == 400  # the old id is gone
    status, _ = await api.post("/api/groups/-1/bot", {"action": "add"})
    assert status == 404
    # The old id still opens the chat (the page follows the migration).
    _, data = await api.get("/api/messages", persona=member, chat=gid)
    assert {m["chat_id"] for m in data["messages"]} == {migrated["id"]}
    # The bot leaving by itself (/groups -> Leave calls leaveChat) reaches the page:
    # members see it leave, and the groups panel is told to refresh.
    async with api.events(member) as events:
        assert await sandbox.emulator.call("leaveChat", chat_id=migrated["id"])
        left = await events.wait_for("message", chat_id=migrated["id"], from_id=BOT_ID)
        assert "msg--service" in left["html"]
        await events.wait_for("state")
    _, state = await api.get("/api/state")
    assert state["groups"][0]["bot"] == "left"


async def test_clock_jump(api: Api, sandbox: LocalSandbox) -> None:
    async with api.events(ORGANIZER_ID) as events:
        clock = await api.ok("/api/clock/jump", {"seconds": 3600})
        await events.wait_for("state")
    assert clock == {
        "now": "2026-03-02T03:00:00+00:00",
        "local": "02/03/2026 10:00",
        "offset_seconds": 3600,
    }
    _, state = await api.get("/api/state")
    assert state["clock"] == clock
    assert sandbox.emulator.world.now() == datetime.fromisoformat(clock["now"]).timestamp()
    for bad in (0, -5, 30 * 86400 + 1, "3600", True, None, float("nan")):
        body = {"seconds": bad} if bad == bad else None  # NaN: not valid JSON
        status, error = await api.post("/api/clock/jump", body)
        assert status == 400 and error["error"], bad
    clock = await api.ok("/api/clock/jump", {"seconds": 86400})
    assert clock["local"] == "03/03/2026 10:00" and clock["offset_seconds"] == 90000


async def test_upload_and_files(api: Api, sandbox: LocalSandbox) -> None:
    form = aiohttp.FormData()
    form.add_field("persona", str(ORGANIZER_ID))
    form.add_field("chat", str(ORGANIZER_ID))
    form.add_field("caption", "the <plan>")
    form.add_field("file", b"a,b\n1,2\n", filename="plan.csv", content_type="text/csv")
    async with api.session.post(api.base + "/api/upload", data=form) as resp:
        assert resp.status == 200, await resp.text()
    _, data = await api.get("/api/messages", persona=ORGANIZER_ID, chat=ORGANIZER_ID)
    html = data["messages"][0]["html"]  # (the bot may answer after it)
    assert 'class="msg__doc"' in html and 'download="plan.csv"' in html
    assert "the &lt;plan&gt;" in html
    file_id = html.split('href="/files/', 1)[1].split('"', 1)[0]
    async with api.session.get(f"{api.base}/files/{file_id}") as resp:
        assert resp.status == 200
        assert await resp.read() == b"a,b\n1,2\n"
        assert resp.headers["Content-Disposition"].startswith("attachment")
    from sandbox.media import tiny_png

    form = aiohttp.FormData()
    form.add_field("persona", str(ORGANIZER_ID))
    form.add_field("chat", str(ORGANIZER_ID))
    form.add_field("file", tiny_png(), filename="chart.png", content_type="image/png")
    async with api.session.post(api.base + "/api/upload", data=form) as resp:
        assert resp.status == 200
    _, data = await api.get("/api/messages", persona=ORGANIZER_ID, chat=ORGANIZER_ID)
    html = next(m["html"] for m in data["messages"] if "msg__photo" in m["html"])
    photo_id = html.split('<img class="msg__photo" src="/files/', 1)[1].split('"', 1)[0]
    async with api.session.get(f"{api.base}/files/{photo_id}") as resp:
        assert resp.status == 200 and resp.content_type.startswith("image/")
        assert resp.headers["Content-Disposition"] == "inline"
    async with api.session.get(f"{api.base}/files/nope") as resp:
        assert resp.status == 404


async def test_cross_origin_writes_refused(api: Api) -> None:
    body = {"name": "Mallory", "lang": "en"}
    headers = {"Origin": "http://evil.example"}
    async with api.session.post(api.base + "/api/personas", json=body, headers=headers) as resp:
        assert resp.status == 403
    async with api.session.get(api.base + "/api/state", headers={"Host": "evil.example"}) as resp:
        assert resp.status == 403  # DNS rebinding: a loopback sandbox answers only its names
    _, state = await api.get("/api/state")
    assert len(state["personas"]) == 1


async def test_database_is_the_given_one_never_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "production.db"
    monkeypatch.setenv("DATABASE_URL", sqlite_url(elsewhere))
    monkeypatch.setenv("BOT_TOKEN", "123456789:AAproductionTOKENvalue")
    monkeypatch.setenv("ORGANIZER_IDS", "42")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"DATABASE_URL={sqlite_url(elsewhere)}\n", encoding="utf-8")
    db = tmp_path / "box" / "mine.db"
    box = LocalSandbox(db, port=0, clock=FakeClock(), ai=False, out=lambda line: None)
    await box.start()
    try:
        assert box.settings is not None
        assert box.settings.database_url == sqlite_url(db)
        assert box.settings.bot_token == SANDBOX_TOKEN
        assert box.settings.organizer_ids == (ORGANIZER_ID,)
        async with aiohttp.ClientSession() as session:
            api = Api(session, box.url)
            async with api.events(ORGANIZER_ID) as events:
                await api.ok(
                    "/api/send", {"persona": ORGANIZER_ID, "chat": ORGANIZER_ID, "text": "/start"}
                )
                await events.wait_for("message", from_id=BOT_ID)
    finally:
        await box.stop()
    assert not elsewhere.exists()
    with sqlite3.connect(db) as conn:  # the bot's writes went to the sandbox's file
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        written = [t for t in tables if conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]]
    assert "fsm_states" in written  # the /start conversation's state


async def test_restart_keeps_personas_fresh_forgets(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    box = LocalSandbox(db, port=0, clock=FakeClock(), ai=False, out=lambda line: None)
    await box.start()
    box.personas.create("Lan", "vi")
    await box.stop()
    again = LocalSandbox(db, port=0, clock=FakeClock(), ai=False, out=lambda line: None)
    await again.start()
    assert [p.name for p in again.personas.all()] == ["Thu Hà", "Lan"]
    await again.stop()
    fresh = LocalSandbox(db, port=0, fresh=True, clock=FakeClock(), ai=False, out=lambda line: None)
    await fresh.start()
    assert [p.name for p in fresh.personas.all()] == ["Thu Hà"]
    await fresh.stop()


async def test_demo_seeds_an_empty_database_once(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    lines: list[str] = []
    box = LocalSandbox(db, port=0, demo=True, clock=FakeClock(), ai=False, out=lines.append)
    await box.start()
    try:
        roles = [p.role for p in box.personas.all()]
        assert roles == [
            "organizer",
            "demo-startup",
            "demo-startup",
            "demo-ambassador",
            "demo-ambassador",
        ]
        assert lines and lines[0].startswith("Seeded the small demo data set")
        # The demo personas have something to show: links about the startups, and
        # stories with planned reminders for the ambassadors (+1 day brings them).
        with sqlite3.connect(db) as conn:
            for persona in box.personas.all()[1:]:
                table, query = (
                    (
                        "startups",
                        "SELECT count(*) FROM links l JOIN startups p ON p.id = l.startup_id",
                    )
                    if persona.role == "demo-startup"
                    else (
                        "ambassadors",
                        "SELECT count(*) FROM reminders r"
                        " JOIN assignments a ON a.id = r.assignment_id"
                        " JOIN ambassadors p ON p.id = a.ambassador_id AND r.status = 'planned'",
                    )
                )
                (count,) = conn.execute(f"{query} WHERE p.user_id = ?", (persona.id,)).fetchone()
                assert count > 0, (table, persona)
        startup = box.personas.all()[1]
        async with aiohttp.ClientSession() as session:
            api = Api(session, box.url)
            async with api.events(startup.id) as events:
                await api.ok(
                    "/api/send", {"persona": startup.id, "chat": startup.id, "text": "/requests"}
                )
                reply = await events.wait_for("message", from_id=BOT_ID)
                assert reply["chat_id"] == startup.id
    finally:
        await box.stop()
    lines.clear()
    again = LocalSandbox(db, port=0, demo=True, clock=FakeClock(), ai=False, out=lines.append)
    await again.start()
    await again.stop()
    assert lines == [f"The sandbox database {db} already holds data: demo not loaded."]
    assert len(again.personas.all()) == 5


async def test_jump_runs_the_scheduled_passes(sandbox: LocalSandbox, api: Api) -> None:
    """The organizer's daily digest (08:00) goes out when a jump crosses it, once."""
    assert sandbox.bot is not None and sandbox.bot.parts is not None
    await sandbox.bot.parts.scheduler.stop()  # only the jump's passes from here
    async with api.events(ORGANIZER_ID) as events:
        await api.ok("/api/clock/jump", {"seconds": 86400})  # Mon 09:00 -> Tue 09:00
        digest = await events.wait_for("message", from_id=BOT_ID)
        assert "03/03/2026" in digest["html"]
        await api.ok("/api/clock/jump", {"seconds": 3600})  # no 08:00 crossed: no digest
        await api.ok("/api/send", {"persona": ORGANIZER_ID, "chat": ORGANIZER_ID, "text": "hi"})
        kind, data = await events.next()
        while kind != "message":
            kind, data = await events.next()
        assert data["from_id"] == ORGANIZER_ID
    assert sandbox.clock() - FakeClock()() == timedelta(hours=25)
