// The local sandbox's page: personas, chats and the chat view, kept live by Server-Sent
// Events. Plain ES2020, no framework, no build. The server renders every message fragment
// (sandbox/web/render.py); this file only places them and talks to the JSON API.
// Its words come from the page (#strings, sandbox/web/strings.py) in the page's language,
// which the URL keeps (?lang=) and every API call and the event stream carry.
"use strict";

(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  const S = {
    persona: Number(document.body.dataset.persona) || 0,
    chat: Number(document.body.dataset.chat) || 0,
    lang: document.body.dataset.lang || document.documentElement.lang || "vi",
    t: {}, // the page's strings by key (#strings)
    state: null, // /api/state
    chats: [], // /api/chats for the current persona
    commands: [], // the "/" menu of the current chat
    picker: { items: [], index: -1 },
    source: null, // the EventSource
    loadSeq: 0, // drops answers of superseded /api/messages calls
  };

  // ---------------------------------------------------------------- helpers
  const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
  const hue = (id) => (Math.abs(Number(id)) * 47) % 360;
  const initials = (name) => {
    const words = String(name).replace(/\(.*?\)/g, "").trim().split(/\s+/).slice(0, 2);
    return words.map((w) => w[0] || "").join("").toUpperCase() || "?";
  };
  const personaById = (id) => (S.state ? S.state.personas.find((p) => p.id === id) : null);
  const groupById = (id) => (S.state ? S.state.groups.find((g) => g.id === id) : null);
  const currentChat = () => S.chats.find((c) => c.id === S.chat);
  // A string of the page in its language, "{name}" placeholders filled in.
  const tr = (key, params = {}) =>
    String(S.t[key] ?? key).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  // A role, chat type or bot status as the page names it (unknown values as they are).
  const named = (prefix, value) => S.t[`${prefix}.${String(value).replace(/-/g, "_")}`] ?? String(value);
  const withLang = (url) => `${url}${url.includes("?") ? "&" : "?"}lang=${encodeURIComponent(S.lang)}`;
  // Errors are shown by api() as a toast; handlers only need to not leak rejections.
  const safe = (fn) => (...args) => Promise.resolve().then(() => fn(...args)).catch(() => {});

  async function api(method, url, body) {
    const opts = { method, headers: {} };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const resp = await fetch(withLang(url), opts);
    const data = await resp.json().catch(() => null);
    if (!resp.ok) {
      const msg = (data && data.error) || `${resp.status} ${resp.statusText}`;
      toast(msg, true);
      throw new Error(msg);
    }
    return data;
  }

  let toastTimer = 0;
  function toast(text, isError = false) {
    const el = $("#toast");
    el.textContent = text;
    el.classList.toggle("toast--error", isError);
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (el.hidden = true), 4000);
  }

  function alertDialog(text) {
    const dlg = $("#alert");
    $("#alert-text").textContent = text;
    if (typeof dlg.showModal !== "function") window.alert(text);
    else if (!dlg.open) dlg.showModal();
  }

  function setUrl() {
    const url = new URL(window.location.href);
    url.searchParams.set("persona", String(S.persona));
    url.searchParams.set("chat", String(S.chat));
    url.searchParams.set("lang", S.lang);
    history.replaceState(null, "", url.pathname + url.search);
    document.body.dataset.persona = String(S.persona);
    document.body.dataset.chat = String(S.chat);
    // The language switch reloads the page on the same persona and chat.
    $$("#lang-switch a[hreflang]").forEach((a) => {
      a.href = `?persona=${S.persona}&chat=${S.chat}&lang=${encodeURIComponent(a.hreflang)}`;
    });
  }

  // ---------------------------------------------------------------- state and lists
  function readStrings() {
    try {
      const data = JSON.parse($("#strings").textContent);
      if (data && typeof data === "object") S.t = data;
    } catch (_) {
      /* the keys are shown instead */
    }
  }

  function readInlineState() {
    try {
      const data = JSON.parse($("#state").textContent);
      if (data && Array.isArray(data.personas)) applyState(data);
    } catch (_) {
      /* /api/state is fetched instead */
    }
  }

  async function loadState() {
    applyState(await api("GET", "/api/state"));
  }

  function applyState(state) {
    S.state = state;
    renderPersonas();
    renderGroupsPanel();
    if (state.clock) setClock(state.clock);
    const me = personaById(S.persona);
    $("#current-persona").textContent = me ? me.name : String(S.persona);
  }

  // One entry of the personas or chats list (the server renders the same markup).
  function item(cls, href, dataAttr, current, avatarCls, title, sub, extra) {
    return (
      `<li><a class="item ${cls}" href="${href}" ${dataAttr}${current ? ' aria-current="true"' : ""}>` +
      `<span class="avatar ${avatarCls}" style="--h:${hue(dataAttr.replace(/\D/g, ""))}" aria-hidden="true">` +
      `${esc(initials(title))}</span><span class="item__main"><span class="item__name">${esc(title)}</span>` +
      `${sub ? `<span class="persona__role">${esc(sub)}</span>` : ""}</span>${extra}</a></li>`
    );
  }

  function renderPersonas() {
    $("#persona-list").innerHTML = S.state.personas
      .map((p) =>
        item("persona", withLang(`?persona=${p.id}`), `data-persona="${p.id}"`, p.id === S.persona, "", p.name,
          p.role === "person" ? "" : named("sandbox.role", p.role), `<span class="item__lang">${esc(p.lang)}</span>`),
      )
      .join("");
  }

  async function loadChats() {
    const persona = S.persona;
    const chats = await api("GET", `/api/chats?persona=${persona}`);
    if (persona !== S.persona) return;
    S.chats = chats;
    if (!currentChat() && chats.length) {
      // The chat is gone for this persona (left, or a migrated group): the private chat.
      S.chat = chats[0].id;
      setUrl();
      await loadMessages();
    }
    renderChats();
  }

  function renderChats() {
    $("#chat-list").innerHTML = S.chats
      .map((c) => {
        const here = c.id === S.chat;
        const unread = here ? 0 : c.unread || 0;
        const said = esc(tr("sandbox.page.unread", { count: unread }));
        const badge = unread ? `<span class="badge" aria-label="${said}">${unread}</span>` : "";
        const href = `?persona=${S.persona}&amp;chat=${c.id}&amp;lang=${encodeURIComponent(S.lang)}`;
        return item("chat-link", href, `data-chat="${c.id}"`, here, "avatar--chat", c.title,
          c.type === "private" ? "" : named("sandbox.chat_type", c.type), badge);
      })
      .join("");
    const chat = currentChat();
    $("#chat-title").textContent = chat ? chat.title : tr("sandbox.page.chat");
  }

  function bumpUnread(chatId) {
    const chat = S.chats.find((c) => c.id === chatId);
    if (!chat) return safe(loadChats)(); // a chat this persona was just added to
    chat.unread = (chat.unread || 0) + 1;
    renderChats();
  }

  // ---------------------------------------------------------------- messages
  async function loadMessages() {
    const seq = ++S.loadSeq;
    const data = await api("GET", `/api/messages?persona=${S.persona}&chat=${S.chat}`);
    if (seq !== S.loadSeq) return;
    const log = $("#log");
    log.innerHTML = data.messages.map((m) => m.html).join("");
    $$(".msg", log).forEach(decorate);
    applyMeta(data);
    updateEmpty();
    scrollToBottom();
  }

  // After the bot spoke: the reply keyboard and the "/" menu are not part of the events,
  // and a message the stream missed is filled in.
  let metaTimer = 0;
  function refreshMetaSoon() {
    clearTimeout(metaTimer);
    metaTimer = setTimeout(async () => {
      const seq = S.loadSeq;
      const chat = S.chat;
      const data = await api("GET", `/api/messages?persona=${S.persona}&chat=${chat}`).catch(() => null);
      if (!data || seq !== S.loadSeq || chat !== S.chat) return;
      const missing = data.messages.filter((m) => !document.getElementById(`m-${m.chat_id}-${m.id}`));
      missing.forEach((m) => upsert(m.html, false));
      applyMeta(data);
      if (missing.length) scrollToBottom();
    }, 120);
  }

  function applyMeta(data) {
    S.commands = Array.isArray(data.commands) ? data.commands : [];
    renderReplyKeyboard(data.reply_keyboard);
    updatePicker();
  }

  // The persona's own messages go right, everyone else's left.
  function decorate(el) {
    const mine = Number(el.dataset.from) === S.persona;
    const user = el.classList.contains("msg--user");
    el.classList.toggle("msg--own", user && mine);
    el.classList.toggle("msg--other", user && !mine);
  }

  // Inserts or replaces a message by its element id; the log stays in message-id order.
  function upsert(html, scroll = true) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    const el = tpl.content.firstElementChild;
    if (!el || !el.id) return;
    decorate(el);
    const old = document.getElementById(el.id);
    if (old) {
      // Edited in place: keyboard focus stays on the same button (or on the message).
      const focused = old.contains(document.activeElement) ? document.activeElement : null;
      old.replaceWith(el);
      if (focused) {
        const data = focused.dataset && focused.dataset.data;
        const same = data && $$(".kb-btn[data-data]", el).find((b) => b.dataset.data === data);
        (same || el).focus();
      }
      return;
    }
    const log = $("#log");
    const later = $$(".msg", log).find((m) => Number(m.dataset.id) > Number(el.dataset.id));
    log.insertBefore(el, later || null);
    updateEmpty();
    if (scroll) scrollToBottom();
  }

  function markDeleted(chatId, messageId, html) {
    if (html) return upsert(html, false);
    const old = document.getElementById(`m-${chatId}-${messageId}`);
    if (old) {
      old.classList.add("msg--deleted");
      old.setAttribute("aria-label", tr("sandbox.page.deleted_message"));
    }
  }

  function scrollToBottom() {
    const log = $("#log");
    log.scrollTop = log.scrollHeight;
  }

  function updateEmpty() {
    const empty = !$(".msg", $("#log"));
    const chat = currentChat();
    $("#log-empty").hidden = !empty;
    $("#start-btn").hidden = !(empty && (!chat || chat.type === "private"));
  }

  // ---------------------------------------------------------------- live events
  function connect() {
    if (S.source) S.source.close();
    const persona = S.persona;
    const src = new EventSource(withLang(`/events?persona=${persona}`));
    S.source = src;
    let lost = false;
    const onMessage = (kind) => (e) => {
      if (persona !== S.persona) return;
      let d;
      try {
        d = JSON.parse(e.data || "{}");
      } catch (_) {
        return;
      }
      const chatId = Number(d.chat_id);
      if (chatId !== S.chat) {
        if (kind === "message") bumpUnread(chatId);
        return;
      }
      if (kind === "delete") markDeleted(chatId, d.message_id, d.html);
      else if (d.html) upsert(d.html, kind === "message");
      if (kind === "message" && Number(d.from_id) !== S.persona) refreshMetaSoon();
    };
    ["message", "edit", "delete"].forEach((kind) => src.addEventListener(kind, onMessage(kind)));
    src.addEventListener("state", () => {
      safe(loadState)();
      safe(loadChats)();
    });
    src.addEventListener("open", () => {
      document.body.classList.remove("offline");
      if (lost) safe(async () => (await loadChats(), await loadMessages()))(); // caught up
      lost = false;
    });
    src.addEventListener("error", () => {
      document.body.classList.add("offline");
      lost = true;
    });
  }

  // ---------------------------------------------------------------- navigation
  async function selectPersona(id) {
    closeDrawer();
    if (id === S.persona) return;
    S.persona = id;
    S.chat = id; // a private chat's id is the person's id
    setUrl();
    if (S.state) applyState(S.state);
    connect();
    await loadChats();
    await loadMessages();
    renderChats();
  }

  async function selectChat(id) {
    closeDrawer();
    S.chat = id;
    const chat = currentChat();
    if (chat) chat.unread = 0;
    setUrl();
    renderChats();
    renderGroupsPanel();
    await loadMessages();
  }

  function closeDrawer() {
    document.body.classList.remove("drawer-open");
    $("#drawer-toggle").setAttribute("aria-expanded", "false");
  }

  // ---------------------------------------------------------------- sending
  async function send(text) {
    if (!text.trim()) return;
    await api("POST", "/api/send", { persona: S.persona, chat: S.chat, text: text.trim() });
  }

  async function submitComposer() {
    const ta = $("#text");
    const value = ta.value;
    if (!value.trim()) return;
    ta.value = "";
    autosize();
    updatePicker();
    try {
      await send(value);
    } catch (_) {
      ta.value = value; // not sent: keep it
    }
    ta.focus();
  }

  async function upload(file) {
    const form = new FormData();
    form.append("persona", String(S.persona));
    form.append("chat", String(S.chat));
    form.append("file", file, file.name);
    form.append("caption", $("#text").value.trim());
    await api("POST", "/api/upload", form);
    $("#text").value = "";
    autosize();
  }

  async function press(btn) {
    const msg = btn.closest(".msg");
    if (!msg || btn.getAttribute("aria-busy") === "true") return;
    btn.setAttribute("aria-busy", "true");
    try {
      const { answer } = await api("POST", "/api/press", {
        persona: S.persona,
        chat: Number(msg.dataset.chat),
        message_id: Number(msg.dataset.id),
        data: btn.dataset.data,
      });
      if (answer && answer.url) window.open(answer.url, "_blank", "noopener");
      if (answer && answer.text) (answer.show_alert ? alertDialog : toast)(answer.text);
    } finally {
      btn.removeAttribute("aria-busy");
    }
  }

  function renderReplyKeyboard(rows) {
    const box = $("#reply-kb");
    const has = Array.isArray(rows) && rows.length > 0;
    box.innerHTML = has
      ? rows
          .map((row) => row.map((b) => `<button type="button" class="reply-btn">${esc(b.text)}</button>`))
          .map((buttons) => `<div class="kb-row">${buttons.join("")}</div>`)
          .join("")
      : "";
    box.hidden = !has;
  }

  // ---------------------------------------------------------------- the "/" picker
  function updatePicker() {
    const ta = $("#text");
    const m = /^\/(\S*)$/.exec(ta.value);
    const q = m ? m[1].toLowerCase() : null;
    const items = q === null ? [] : S.commands.filter((c) => c.command.toLowerCase().startsWith(q));
    S.picker.items = items;
    if (!items.length) return closePicker();
    if (S.picker.index < 0 || S.picker.index >= items.length) S.picker.index = 0;
    const list = $("#cmd-picker");
    list.innerHTML = items
      .map(
        (c, i) =>
          `<li role="option" id="cmd-${i}" class="cmd" data-command="${esc(c.command)}" ` +
          `aria-selected="${i === S.picker.index}"><span class="cmd__name">/${esc(c.command)}</span> ` +
          `<span class="cmd__desc">${esc(c.description)}</span></li>`,
      )
      .join("");
    list.hidden = false;
    ta.setAttribute("aria-activedescendant", `cmd-${S.picker.index}`);
    document.getElementById(`cmd-${S.picker.index}`).scrollIntoView({ block: "nearest" });
  }

  function closePicker() {
    const list = $("#cmd-picker");
    list.hidden = true;
    list.innerHTML = "";
    S.picker.items = [];
    S.picker.index = -1;
    $("#text").removeAttribute("aria-activedescendant");
  }

  function choose(command, thenSend) {
    $("#text").value = thenSend ? `/${command}` : `/${command} `;
    closePicker();
    if (thenSend) submitComposer();
  }

  // Enter sends (or picks the highlighted command), Shift+Enter is a new line; in the
  // picker arrows move, Tab completes without sending, Escape closes.
  function onComposerKey(e) {
    const open = !$("#cmd-picker").hidden && S.picker.items.length > 0;
    const picked = open ? S.picker.items[S.picker.index].command : null;
    if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const n = S.picker.items.length;
      S.picker.index = (S.picker.index + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      updatePicker();
    } else if (open && e.key === "Escape") {
      e.preventDefault();
      closePicker();
    } else if (open && e.key === "Tab" && !e.shiftKey) {
      e.preventDefault();
      choose(picked, false);
    } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (open) choose(picked, true);
      else submitComposer();
    }
  }

  function autosize() {
    const ta = $("#text");
    ta.style.height = "auto";
    const border = ta.offsetHeight - ta.clientHeight;
    ta.style.height = `${Math.min(ta.scrollHeight + border, 160)}px`;
  }

  // ---------------------------------------------------------------- the bot's clock
  function setClock(clock) {
    const el = $("#clock");
    el.textContent = clock.local;
    el.setAttribute("datetime", clock.now);
    const off = clock.offset_seconds || 0;
    const days = Math.floor(off / 86400);
    const hours = Math.floor((off % 86400) / 3600);
    if (!off) el.title = tr("sandbox.page.clock_not_moved");
    else if (days) el.title = tr("sandbox.page.clock_ahead", { days, hours });
    else el.title = tr("sandbox.page.clock_ahead_hours", { hours });
  }

  async function jump(btn) {
    const buttons = $$("[data-seconds]");
    buttons.forEach((b) => (b.disabled = true));
    try {
      const clock = await api("POST", "/api/clock/jump", { seconds: Number(btn.dataset.seconds) });
      setClock(clock);
      toast(tr("sandbox.page.clock_moved", { jump: btn.textContent.trim(), time: clock.local }));
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  // ---------------------------------------------------------------- groups
  const selectedGroupId = () => Number($("#group-select").value) || 0;

  function renderGroupsPanel() {
    if (!S.state) return;
    const sel = $("#group-select");
    const keep = groupById(S.chat) ? S.chat : selectedGroupId();
    const groups = S.state.groups;
    sel.innerHTML = groups.length
      ? groups
          .map((g) => `<option value="${g.id}">${esc(g.title)} (${esc(named("sandbox.chat_type", g.type))})</option>`)
          .join("")
      : `<option value="">${esc(tr("sandbox.page.no_groups"))}</option>`;
    if (groups.some((g) => g.id === keep)) sel.value = String(keep);
    const members = $("#group-member");
    const chosen = Number(members.value);
    members.innerHTML = S.state.personas.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("");
    const other = personaById(chosen) || S.state.personas.find((p) => p.id !== S.persona);
    if (other) members.value = String(other.id);
    renderGroupInfo();
  }

  function renderGroupInfo() {
    const g = groupById(selectedGroupId());
    $$("#group-tools button").forEach((b) => (b.disabled = !g));
    if (!g) {
      $("#group-info").textContent = tr("sandbox.page.groups_hint");
      return;
    }
    const names = g.members.map((id) => (personaById(id) || { name: String(id) }).name);
    $("#group-info").textContent = tr("sandbox.page.group_info", {
      type: named("sandbox.chat_type", g.type),
      bot: named("sandbox.bot_status", g.bot),
      members: names.join(", ") || tr("sandbox.page.nobody"),
    });
    $("#group-join").disabled = g.members.includes(S.persona);
    $("#group-migrate").disabled = g.type !== "group";
  }

  function replaceGroup(group, oldId = group.id) {
    if (!S.state) return;
    const i = S.state.groups.findIndex((g) => g.id === oldId);
    if (i >= 0) S.state.groups[i] = group;
    else S.state.groups.push(group);
    renderGroupsPanel();
    $("#group-select").value = String(group.id);
    renderGroupInfo();
  }

  // Runs a group action on the selected group; opens the group when asked to (or when
  // the open chat was migrated to a new id).
  async function groupAction(call, open = false) {
    const id = selectedGroupId();
    if (!id) return;
    const group = await call(id);
    replaceGroup(group, id);
    await loadChats();
    const follow = open || (S.chat === id && group.id !== id);
    if (follow && group.members.includes(S.persona) && S.chat !== group.id) await selectChat(group.id);
  }

  // ---------------------------------------------------------------- wiring
  function onLink(selector, attr, fn) {
    $(selector).addEventListener("click", (e) => {
      const a = e.target.closest(`[${attr}]`);
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      safe(fn)(Number(a.getAttribute(attr)));
    });
  }

  function wire() {
    onLink("#persona-list", "data-persona", selectPersona);
    onLink("#chat-list", "data-chat", selectChat);
    $("#log").addEventListener("click", (e) => {
      const btn = e.target.closest(".kb-btn[data-data]");
      if (!btn) return;
      e.preventDefault();
      safe(press)(btn);
    });
    $("#reply-kb").addEventListener("click", (e) => {
      const btn = e.target.closest(".reply-btn");
      if (btn) safe(send)(btn.textContent);
    });
    $("#start-btn").addEventListener("click", () => safe(send)("/start"));

    const ta = $("#text");
    ta.addEventListener("keydown", onComposerKey);
    ta.addEventListener("input", () => {
      S.picker.index = 0;
      updatePicker();
      autosize();
    });
    ta.addEventListener("blur", () => setTimeout(closePicker, 150));
    $("#composer").addEventListener("submit", (e) => {
      e.preventDefault();
      submitComposer();
    });
    $("#cmd-picker").addEventListener("mousedown", (e) => {
      const li = e.target.closest("[data-command]");
      if (!li) return;
      e.preventDefault(); // the focus stays in the textarea
      choose(li.dataset.command, true);
    });
    $("#attach").addEventListener("click", () => $("#file").click());
    $("#file").addEventListener("change", (e) => {
      const file = e.target.files && e.target.files[0];
      if (file) safe(upload)(file).then(() => (e.target.value = ""));
    });
    $$("[data-seconds]").forEach((b) => b.addEventListener("click", () => safe(jump)(b)));

    $("#drawer-toggle").addEventListener("click", () => {
      const open = document.body.classList.toggle("drawer-open");
      $("#drawer-toggle").setAttribute("aria-expanded", String(open));
      if (open) ($("#persona-list a[aria-current]") || $("#np-name")).focus();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && document.body.classList.contains("drawer-open")) closeDrawer();
    });
    $(".layout").addEventListener("click", (e) => {
      // A tap beside the open drawer (on the dimmed chat) closes it.
      if (document.body.classList.contains("drawer-open") && !e.target.closest("#sidebar")) {
        e.preventDefault();
        closeDrawer();
      }
    });

    $("#new-persona").addEventListener("submit", (e) => {
      e.preventDefault();
      const form = e.currentTarget;
      const name = form.elements.name.value.trim();
      if (!name) return;
      safe(async () => {
        const persona = await api("POST", "/api/personas", { name, lang: form.elements.lang.value });
        form.reset();
        if (S.state && !personaById(persona.id)) S.state.personas.push(persona);
        await selectPersona(persona.id);
        $("#text").focus();
      })();
    });
    $("#group-create").addEventListener("submit", (e) => {
      e.preventDefault();
      const title = $("#group-title").value.trim();
      if (!title) return;
      safe(async () => {
        const group = await api("POST", "/api/groups", { title, persona: S.persona });
        $("#group-title").value = "";
        replaceGroup(group);
        await loadChats();
        await selectChat(group.id);
      })();
    });
    $("#group-select").addEventListener("change", renderGroupInfo);
    const members = (id, persona) => api("POST", `/api/groups/${id}/members`, { persona });
    $("#group-join").addEventListener("click", safe(() => groupAction((id) => members(id, S.persona), true)));
    $("#group-add-member").addEventListener(
      "click",
      safe(() => groupAction((id) => members(id, Number($("#group-member").value)))),
    );
    $$("[data-bot-action]").forEach((b) => {
      const action = b.dataset.botAction;
      b.addEventListener("click", safe(() => groupAction((id) => api("POST", `/api/groups/${id}/bot`, { action }))));
    });
    $("#group-migrate").addEventListener(
      "click",
      safe(() => groupAction((id) => api("POST", `/api/groups/${id}/migrate`))),
    );
  }

  async function start() {
    readStrings();
    wire();
    readInlineState();
    $$(".msg", $("#log")).forEach(decorate);
    scrollToBottom();
    connect();
    // The bot's clock runs on (it may be frozen, as in tests): ask for it now and then.
    setInterval(safe(async () => setClock((await api("GET", "/api/state")).clock)), 30000);
    try {
      if (!S.state) await loadState();
      await loadChats();
      await loadMessages();
      setUrl();
    } catch (_) {
      /* shown as a toast */
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
