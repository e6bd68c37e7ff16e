// Parley's web client: REST for accounts and pages of history, Socket.IO for
// everything live. Every user-supplied string is inserted as text.

import { io } from "/vendor/socket.io.esm.min.js";
import { api, describe, refresh } from "./api.js";
import { $, clear, el, show, timeOf } from "./dom.js";

const state = {
  me: null,
  socket: null,
  rooms: new Map(),
  online: new Set(),
  current: null, // id of the open room
  messages: new Map(), // id -> message, for the open room
  olderCursor: null,
  loadingOlder: false,
  lastSeenId: 0, // the largest message id seen; sent as auth.since on reconnect
  hadSession: false,
  typingTimers: new Map(),
  typingSent: 0,
  typingStop: null,
};

const newClientId = () =>
  globalThis.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;

// ---------- accounts ----------

function showAuth(message = "") {
  show($("#chat-view"), false);
  show($("#auth-view"), true);
  $("#auth-error").textContent = message;
  $("#login-form input[name=login]").focus();
}

async function startChat(user) {
  state.me = user;
  $("#me").textContent = user.display_name;
  show($("#auth-view"), false);
  show($("#chat-view"), true);
  connect();
  await loadPublicRooms();
}

// Login and registration differ only in their path and fields.
function authForm(path, fields) {
  return async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const body = await api("POST", path, Object.fromEntries(fields.map((name) => [name, form.get(name)])));
      event.target.reset();
      await startChat(body.user);
    } catch (error) {
      $("#auth-error").textContent = describe(error);
    }
  };
}

const onLogin = authForm("/api/auth/login", ["login", "password"]);
const onRegister = authForm("/api/auth/register", ["username", "email", "password"]);

async function onLogout() {
  try {
    await api("POST", "/api/auth/logout");
  } catch {
    // The cookies are cleared either way.
  }
  state.socket?.disconnect();
  state.socket = null;
  state.rooms.clear();
  state.current = null;
  showAuth("You are logged out.");
}

// ---------- the socket ----------

function setConnection(text, kind) {
  const badge = $("#connection");
  badge.textContent = text;
  badge.dataset.state = kind;
}

function connect() {
  // auth is a function so that every reconnect passes the newest `since`.
  const socket = io("/chat", {
    auth: (callback) => callback(state.hadSession ? { since: state.lastSeenId } : {}),
  });
  state.socket = socket;
  socket.on("connect", () => setConnection("online", "online"));
  socket.on("disconnect", () => setConnection("reconnecting…", "offline"));
  socket.io.on("reconnect_attempt", () => setConnection("reconnecting…", "offline"));
  socket.on("connect_error", async (error) => {
    setConnection("offline", "offline");
    if (error.data?.error === "unauthorized") {
      if (await refresh()) socket.connect();
      else showAuth("Your session has ended; please log in again.");
    }
  });
  socket.on("session", onSession);
  socket.on("message", onMessage);
  socket.on("message_edited", onMessageEdited);
  socket.on("message_deleted", onMessageDeleted);
  socket.on("room_added", (room) => {
    state.rooms.set(room.id, room);
    renderRooms();
    loadPublicRooms();
  });
  socket.on("room_updated", (room) => {
    state.rooms.set(room.id, room);
    renderRooms();
    if (room.id === state.current) $("#room-title").textContent = roomName(room);
  });
  socket.on("room_removed", ({ room_id }) => {
    state.rooms.delete(room_id);
    renderRooms();
    if (room_id === state.current) closeRoom();
    loadPublicRooms();
  });
  socket.on("user_joined", ({ room_id }) => room_id === state.current && loadMembers());
  socket.on("user_left", ({ room_id }) => room_id === state.current && loadMembers());
  socket.on("presence", ({ user, status }) => {
    if (status === "online") state.online.add(user.id);
    else state.online.delete(user.id);
    for (const dot of document.querySelectorAll(`[data-presence="${user.id}"]`)) paintPresence(dot, user.id);
  });
  socket.on("typing", onTyping);
}

async function onSession({ user, rooms }) {
  // What the room list shows counts as seen: a later reconnect asks for
  // everything newer (the catch-up that follows this event covers the gap).
  for (const room of rooms) state.lastSeenId = Math.max(state.lastSeenId, room.last_message?.id || 0);
  state.hadSession = true;
  state.me = user;
  $("#me").textContent = user.display_name;
  state.rooms = new Map(rooms.map((room) => [room.id, room]));
  renderRooms();
  if (state.current && !state.rooms.has(state.current)) closeRoom();
}

function onMessage(message) {
  state.lastSeenId = Math.max(state.lastSeenId, message.id);
  const room = state.rooms.get(message.room_id);
  if (room) {
    room.last_message = message;
    if (message.room_id !== state.current && message.sender?.id !== state.me.id) room.unread_count += 1;
    renderRooms();
  }
  if (message.room_id === state.current) {
    appendMessage(message);
    markRead(message.id);
  }
}

function onMessageEdited(message) {
  if (message.room_id === state.current && state.messages.has(message.id)) {
    state.messages.set(message.id, message);
    document.getElementById(`m${message.id}`)?.replaceWith(renderMessage(message));
  }
}

function onMessageDeleted({ id, room_id }) {
  const message = state.messages.get(id);
  if (room_id === state.current && message) onMessageEdited({ ...message, deleted: true, content: "" });
}

function onTyping({ room_id, user, typing }) {
  if (room_id !== state.current || user.id === state.me.id) return;
  clearTimeout(state.typingTimers.get(user.id));
  if (typing) {
    state.typingTimers.set(user.id, setTimeout(() => onTyping({ room_id, user, typing: false }), 4000));
    state.typingNames = { ...(state.typingNames || {}), [user.id]: user.display_name };
  } else if (state.typingNames) {
    delete state.typingNames[user.id];
  }
  const names = Object.values(state.typingNames || {});
  $("#typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
}

// ---------- rooms ----------

function roomName(room) {
  if (room.kind !== "direct") return room.name;
  const other = (room.members || []).find((user) => user.id !== state.me?.id);
  return `@ ${other ? other.display_name : "(deleted)"}`;
}

function renderRooms() {
  const list = $("#room-list");
  clear(list);
  const rooms = [...state.rooms.values()].sort(
    (a, b) => (b.last_message?.id || 0) - (a.last_message?.id || 0) || a.id - b.id,
  );
  for (const room of rooms) {
    const preview = room.last_message
      ? room.last_message.deleted
        ? "(deleted)"
        : `${room.last_message.sender?.display_name ?? "(deleted)"}: ${room.last_message.content}`
      : "No messages yet";
    const unread = room.unread_count
      ? el("span", { class: "badge", text: String(room.unread_count), "aria-label": `${room.unread_count} unread` })
      : null;
    list.append(
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: room.id === state.current ? "room-item current" : "room-item",
            "aria-current": room.id === state.current ? "true" : false,
            dataset: { roomId: room.id },
            onclick: () => openRoom(room.id),
          },
          el("span", { class: "room-name", text: roomName(room) }),
          unread,
          el("span", { class: "preview", text: preview }),
        ),
      ),
    );
  }
}

async function loadPublicRooms() {
  try {
    const page = await api("GET", "/api/rooms?joined=false&kind=public&limit=50");
    const list = $("#public-list");
    clear(list);
    for (const room of page.rooms) {
      list.append(
        el(
          "li",
          {},
          el("span", { class: "room-name", text: room.name }),
          el("button", { type: "button", text: "Join", "aria-label": `Join ${room.name}`, onclick: () => joinRoom(room.id) }),
        ),
      );
    }
  } catch (error) {
    $("#side-error").textContent = describe(error);
  }
}

async function joinRoom(id) {
  const ack = await state.socket.emitWithAck("join", { room_id: id });
  if (!ack.ok) return ($("#side-error").textContent = ack.message);
  state.rooms.set(ack.room.id, ack.room);
  for (const user of ack.online) state.online.add(user.id);
  renderRooms();
  await loadPublicRooms();
  await openRoom(id);
}

// Creating a room and starting a conversation both end in a room to open.
function roomForm(path, bodyOf) {
  return async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const room = await api("POST", path, bodyOf(form));
      event.target.reset();
      state.rooms.set(room.id, room);
      renderRooms();
      await openRoom(room.id);
    } catch (error) {
      $("#side-error").textContent = describe(error);
    }
  };
}

const onCreateRoom = roomForm("/api/rooms", (form) => ({
  name: form.get("name"),
  kind: form.get("private") ? "private" : "public",
}));

async function onLeaveRoom() {
  const id = state.current;
  const ack = await state.socket.emitWithAck("leave", { room_id: id });
  if (!ack.ok) return ($("#side-error").textContent = ack.message);
  state.rooms.delete(id);
  closeRoom();
  renderRooms();
  await loadPublicRooms();
}

async function onShowCode() {
  try {
    const { code } = await api("POST", "/api/chat-codes");
    $("#my-code").textContent = `Your chat code: ${code} (valid 24 hours)`;
  } catch (error) {
    $("#my-code").textContent = describe(error);
  }
}

const onStartDm = roomForm("/api/conversations", (form) => ({ code: form.get("code") }));

// ---------- the open room ----------

function closeRoom() {
  state.current = null;
  state.messages.clear();
  clear($("#messages"));
  clear($("#member-list"));
  $("#room-title").textContent = "Pick a room";
  $("#typing").textContent = "";
  show($("#composer"), false);
  show($("#leave-room"), false);
}

async function openRoom(id) {
  const room = state.rooms.get(id);
  if (!room) return;
  state.current = id;
  state.messages.clear();
  state.typingNames = {};
  $("#typing").textContent = "";
  $("#room-title").textContent = roomName(room);
  clear($("#messages"));
  show($("#composer"), true);
  show($("#leave-room"), true);
  $("#sidebar").classList.remove("open");
  $("#menu-toggle").setAttribute("aria-expanded", "false");
  room.unread_count = 0;
  renderRooms();
  const page = await api("GET", `/api/rooms/${id}/messages?limit=50`);
  if (state.current !== id) return;
  page.messages.forEach(appendMessage);
  state.olderCursor = page.has_more ? page.next_cursor : null;
  scrollToBottom();
  const last = page.messages.at(-1);
  if (last) markRead(last.id);
  await loadMembers();
  $("#composer-input").focus();
}

async function loadOlder() {
  if (!state.olderCursor || state.loadingOlder) return;
  state.loadingOlder = true;
  const id = state.current;
  const list = $("#messages");
  try {
    const page = await api("GET", `/api/rooms/${id}/messages?limit=50&before=${state.olderCursor}`);
    if (state.current !== id) return;
    const before = list.scrollHeight;
    const first = list.firstChild;
    for (const message of page.messages) {
      if (state.messages.has(message.id)) continue;
      state.messages.set(message.id, message);
      list.insertBefore(renderMessage(message), first);
    }
    list.scrollTop += list.scrollHeight - before; // keep the reader's place
    state.olderCursor = page.has_more ? page.next_cursor : null;
  } finally {
    state.loadingOlder = false;
  }
}

async function loadMembers() {
  const id = state.current;
  const page = await api("GET", `/api/rooms/${id}/members?limit=100`);
  if (state.current !== id) return;
  const list = $("#member-list");
  clear(list);
  for (const member of page.members) {
    if (member.online) state.online.add(member.user.id);
    else state.online.delete(member.user.id);
    const dot = el("span", { class: "dot", dataset: { presence: member.user.id } });
    paintPresence(dot, member.user.id);
    list.append(el("li", {}, dot, el("span", { text: member.user.display_name }), el("span", { class: "role", text: member.role })));
  }
}

function paintPresence(dot, userId) {
  const online = state.online.has(userId);
  dot.classList.toggle("online", online);
  dot.setAttribute("role", "img");
  dot.setAttribute("aria-label", online ? "online" : "offline");
}

function scrollToBottom() {
  const list = $("#messages");
  list.scrollTop = list.scrollHeight;
}

function appendMessage(message) {
  state.lastSeenId = Math.max(state.lastSeenId, message.id);
  if (state.messages.has(message.id)) return;
  const list = $("#messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  state.messages.set(message.id, message);
  // Keep id order even when a catch-up and a live copy cross.
  const later = [...list.children].find((node) => Number(node.dataset.id) > message.id);
  list.insertBefore(renderMessage(message), later || null);
  if (atBottom || message.sender?.id === state.me.id) scrollToBottom();
}

function renderMessage(message) {
  const mine = message.sender?.id === state.me.id;
  const item = el("li", { id: `m${message.id}`, class: mine ? "message mine" : "message", dataset: { id: message.id } });
  item.append(
    el("span", { class: "author", text: message.sender?.display_name ?? "(deleted account)" }),
    el("time", { datetime: message.created_at, text: timeOf(message.created_at) }),
  );
  if (message.deleted) {
    item.append(el("p", { class: "body deleted", text: "Message deleted" }));
    return item;
  }
  item.append(el("p", { class: "body", text: message.content }));
  if (message.edited_at) item.append(el("span", { class: "edited", text: "(edited)" }));
  if (mine) {
    item.append(
      el("button", { type: "button", class: "edit", text: "Edit", "aria-label": "Edit message", onclick: () => startEdit(message) }),
      el("button", { type: "button", class: "delete", text: "Delete", "aria-label": "Delete message", onclick: () => deleteMessage(message) }),
    );
  }
  return item;
}

function startEdit(message) {
  const item = document.getElementById(`m${message.id}`);
  const box = el("textarea", { class: "edit-box", "aria-label": "Edit message", rows: 2 });
  box.value = message.content;
  const save = async () => {
    const ack = await state.socket.emitWithAck("edit_message", { message_id: message.id, content: box.value });
    if (!ack.ok) return ($("#side-error").textContent = ack.message);
    onMessageEdited(ack.message);
  };
  const cancel = () => item.replaceWith(renderMessage(state.messages.get(message.id)));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") cancel();
  });
  item.replaceChildren(
    box,
    el("button", { type: "button", text: "Save", onclick: save }),
    el("button", { type: "button", text: "Cancel", onclick: cancel }),
  );
  box.focus();
}

async function deleteMessage(message) {
  if (!confirm("Delete this message?")) return;
  const ack = await state.socket.emitWithAck("delete_message", { message_id: message.id });
  if (!ack.ok) $("#side-error").textContent = ack.message;
  else onMessageDeleted({ id: message.id, room_id: message.room_id });
}

function markRead(messageId) {
  state.socket?.emit("mark_read", { room_id: state.current, message_id: messageId }, () => {});
}

async function onSend(event) {
  event?.preventDefault();
  const input = $("#composer-input");
  const content = input.value;
  if (!content.trim()) return;
  input.value = "";
  sendTyping(false);
  const ack = await state.socket.emitWithAck("send_message", {
    room_id: state.current,
    content,
    client_id: newClientId(),
  });
  if (!ack.ok) {
    input.value = content;
    $("#side-error").textContent = ack.message;
    return;
  }
  onMessage(ack.message);
}

function sendTyping(typing) {
  if (!state.socket || !state.current) return;
  clearTimeout(state.typingStop);
  const now = Date.now();
  if (typing) {
    if (now - state.typingSent > 2000) {
      state.socket.emit("typing", { room_id: state.current, typing: true }, () => {});
      state.typingSent = now;
    }
    state.typingStop = setTimeout(() => sendTyping(false), 3000);
  } else if (state.typingSent) {
    state.socket.emit("typing", { room_id: state.current, typing: false }, () => {});
    state.typingSent = 0;
  }
}

// ---------- start ----------

function bind() {
  $("#login-form").addEventListener("submit", onLogin);
  $("#register-form").addEventListener("submit", onRegister);
  $("#logout").addEventListener("click", onLogout);
  $("#create-room-form").addEventListener("submit", onCreateRoom);
  $("#leave-room").addEventListener("click", onLeaveRoom);
  $("#show-code").addEventListener("click", onShowCode);
  $("#dm-form").addEventListener("submit", onStartDm);
  $("#composer").addEventListener("submit", onSend);
  $("#messages").addEventListener("scroll", (event) => {
    if (event.target.scrollTop < 60) loadOlder();
  });
  const input = $("#composer-input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) onSend(event);
  });
  input.addEventListener("input", () => sendTyping(Boolean(input.value)));
  $("#menu-toggle").addEventListener("click", () => {
    const open = $("#sidebar").classList.toggle("open");
    $("#menu-toggle").setAttribute("aria-expanded", String(open));
  });
}

async function boot() {
  bind();
  try {
    await startChat(await api("GET", "/api/users/me"));
  } catch {
    showAuth();
  }
}

boot();
