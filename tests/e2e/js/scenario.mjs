// Drives a live Parley server with the Socket.IO JavaScript client from npm.
//
//   node tests/e2e/js/scenario.mjs <scenario> <base-url> <websocket|polling>
//
// Prints one JSON line: {"ok": true, "facts": {...}} or {"ok": false, "error": "..."}.
// The pytest side asserts on the facts, so each check lives in one place.

import { io } from "socket.io-client";

const [scenario, baseUrl, transport] = process.argv.slice(2);
const TIMEOUT_MS = 10_000;

async function api(method, path, token, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function account() {
  const name = `js${Math.random().toString(36).slice(2, 12)}`;
  const { body } = await api("POST", "/api/auth/register", null, {
    username: name,
    email: `${name}@example.com`,
    password: "Secr3tPass",
  });
  return { id: body.user.id, name, token: body.access_token };
}

// A connected socket that records every event, in order, from the very first.
function connect(auth) {
  const socket = io(`${baseUrl}/chat`, { auth, transports: [transport], reconnection: false });
  socket.log = [];
  socket.onAny((event, payload) => socket.log.push([event, payload]));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(err));
  });
}

function waitFor(socket, event, predicate = () => true) {
  return new Promise((resolve, reject) => {
    const found = socket.log.find(([name, payload]) => name === event && predicate(payload));
    if (found) return resolve(found[1]);
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const listener = (name, payload) => {
      if (name === event && predicate(payload)) {
        clearTimeout(timer);
        socket.offAny(listener);
        resolve(payload);
      }
    };
    socket.onAny(listener);
  });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function sharedRoom() {
  const ada = await account();
  const bob = await account();
  const room = (await api("POST", "/api/rooms", ada.token, { name: `room-${ada.name}` })).body;
  await api("POST", `/api/rooms/${room.id}/join`, bob.token);
  return { ada, bob, room };
}

const scenarios = {
  async chat() {
    const { ada, bob, room } = await sharedRoom();
    const adaSocket = await connect({ token: ada.token });
    const bobSocket = await connect({ token: bob.token });
    await waitFor(bobSocket, "session");
    const ack = await adaSocket.emitWithAck("send_message", { room_id: room.id, content: "hi bob" });
    const received = await waitFor(bobSocket, "message");
    const typingAck = await bobSocket.emitWithAck("typing", { room_id: room.id, typing: true });
    const typing = await waitFor(adaSocket, "typing");
    await pause(200);
    const facts = {
      first_event: adaSocket.log[0][0],
      session_user: adaSocket.log[0][1].user.id === ada.id,
      ack_ok: ack.ok,
      received_equals_ack: JSON.stringify(received) === JSON.stringify(ack.message),
      sender_got_own_message: adaSocket.log.some(([name]) => name === "message"),
      typing_ack_ok: typingAck.ok,
      typing_from_bob: typing.user.id === bob.id && typing.typing === true,
    };
    adaSocket.close();
    bobSocket.close();
    return facts;
  },

  async dm() {
    const ada = await account();
    const bob = await account();
    const adaSocket = await connect({ token: ada.token });
    const bobSocket = await connect({ token: bob.token });
    const code = (await api("POST", "/api/chat-codes", ada.token)).body.code;
    const created = await api("POST", "/api/conversations", bob.token, { code });
    const adaAdded = await waitFor(adaSocket, "room_added");
    const bobAdded = await waitFor(bobSocket, "room_added");
    const ack = await bobSocket.emitWithAck("send_message", { room_id: created.body.id, content: "psst" });
    const received = await waitFor(adaSocket, "message");
    const facts = {
      status: created.status,
      kind: created.body.kind,
      ada_added: adaAdded.id === created.body.id,
      bob_added: bobAdded.id === created.body.id,
      message_delivered: received.id === ack.message.id && received.content === "psst",
    };
    adaSocket.close();
    bobSocket.close();
    return facts;
  },

  async catchup() {
    const { ada, bob, room } = await sharedRoom();
    let bobSocket = await connect({ token: bob.token });
    const seen = (await bobSocket.emitWithAck("send_message", { room_id: room.id, content: "seen" })).message;
    bobSocket.close();
    const missed = [];
    for (const content of ["m1", "m2", "m3"]) {
      missed.push((await api("POST", `/api/rooms/${room.id}/messages`, ada.token, { content })).body.id);
    }
    bobSocket = await connect({ token: bob.token, since: seen.id });
    const session = await waitFor(bobSocket, "session");
    await waitFor(bobSocket, "message", (m) => m.id === missed[missed.length - 1]);
    const history = await bobSocket.emitWithAck("history", { room_id: room.id, after: seen.id });
    const facts = {
      catch_up: session.catch_up,
      caught_up_ids: bobSocket.log.filter(([name]) => name === "message").map(([, m]) => m.id),
      history_ids: history.messages.map((m) => m.id),
      expected_ids: missed,
      session_first: bobSocket.log[0][0] === "session",
    };
    bobSocket.close();
    return facts;
  },

  async presence() {
    const { ada, bob } = await sharedRoom();
    const watcher = await connect({ token: bob.token });
    await waitFor(watcher, "session");
    const adaSocket = await connect({ token: ada.token });
    const online = await waitFor(watcher, "presence", (p) => p.user.id === ada.id && p.status === "online");
    adaSocket.close();
    const offline = await waitFor(watcher, "presence", (p) => p.user.id === ada.id && p.status === "offline");
    watcher.close();
    return { online: online.status, offline: offline.status };
  },

  // Connected through a proxy to one of several processes; the test stops
  // that process gracefully and the client must carry on through another.
  async drain() {
    const ada = await account();
    const room = (await api("POST", "/api/rooms", ada.token, { name: `room-${ada.name}` })).body;
    const socket = io(`${baseUrl}/chat`, {
      auth: { token: ada.token },
      transports: [transport],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    await new Promise((resolve) => socket.once("connect", resolve));
    console.log(JSON.stringify({ progress: "connected" }));
    const reason = await new Promise((resolve) => socket.once("disconnect", resolve));
    await new Promise((resolve) => socket.io.once("reconnect", resolve));
    const ack = await socket.emitWithAck("send_message", { room_id: room.id, content: "after drain" });
    socket.close();
    return { reason, reconnected: true, sent_after: ack.ok };
  },

  async refused() {
    try {
      const socket = await connect({ token: "junk" });
      socket.close();
      return { connected: true };
    } catch (err) {
      return { connected: false, message: err.message, data: err.data };
    }
  },
};

try {
  const facts = await scenarios[scenario]();
  console.log(JSON.stringify({ ok: true, facts }));
  process.exit(0);
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err && err.stack ? err.stack : err) }));
  process.exit(1);
}
