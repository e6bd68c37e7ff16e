// Fan-out load generator: receivers and senders in one room of a Socket.IO
// server's /chat namespace, stepping through send rates.
//
//   node bench/loadgen.mjs <config.json>
//
// The config names the server URL and pid, the clients' tokens, the room,
// the rates and the step length. For each step it prints one JSON line:
// deliveries/s, end-to-end latency p50/p99 (ms), losses, the server's CPU
// seconds per delivery (from /proc/<pid>/stat) and this process's own CPU.
// Clients offer permessage-deflate, as browsers and socket.io-client do.
//
// Senders are socket.io-client sockets (they need acks). Receivers are, by
// default ("receiver_client": "lean"), minimal clients of the same wire
// protocol over the same WebSocket library (ws): Engine.IO open and
// ping/pong, a Socket.IO CONNECT to /chat with the token, and a byte scan of
// each `message` event for its send time instead of a full JSON parse. The
// server sees exactly the traffic of socket.io-client; the generator spends
// a fraction of the CPU per delivery, so it stays off the critical path.
// "receiver_client": "socket.io" makes every receiver a socket.io-client.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import WebSocket from "ws";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const TICKS_PER_SECOND = 100;

function serverCpuSeconds() {
  const stat = readFileSync(`/proc/${config.server_pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
}

// CPU time the hypervisor gave to other guests, all CPUs (the "steal" column
// of /proc/stat): a step during which it grew ran on a slower machine.
function stealSeconds() {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  return Number(cpu[8]) / TICKS_PER_SECOND;
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function connect(token) {
  return new Promise((resolve, reject) => {
    const socket = io(`${config.url}/chat`, {
      auth: { token },
      transports: ["websocket"],
      reconnection: false,
      perMessageDeflate: { threshold: 0 },
    });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Each delivery's send time and latency (ms), kept apart by the step and
// sorted into views (the step, sign-in windows, seconds) when it ends. They
// go into fixed blocks: a growing array is copied whole each time it grows
// (10 MB and more late in a long step), a stall of this process that would
// show as latency of the messages it was reading meanwhile.
const BLOCK = 1 << 16;

class DeliveryLog {
  constructor() {
    this.blocks = [];
    this.length = 0;
  }

  add(sentAt, latency) {
    const offset = (this.length % BLOCK) * 2;
    if (offset === 0) this.blocks.push(new Float64Array(BLOCK * 2));
    const block = this.blocks[this.blocks.length - 1];
    block[offset] = sentAt;
    block[offset + 1] = latency;
    this.length += 1;
  }

  // Calls visit(sentAt, latency) for each delivery.
  forEach(visit) {
    for (let index = 0; index < this.length; index += 1) {
      const block = this.blocks[Math.floor(index / BLOCK)];
      const offset = (index % BLOCK) * 2;
      visit(block[offset], block[offset + 1]);
    }
  }

  latencies() {
    const values = new Float64Array(this.length);
    let index = 0;
    this.forEach((_sentAt, latency) => {
      values[index++] = latency;
    });
    return values.sort();
  }
}

let log = new DeliveryLog();
let delivered = 0;

function received(sentAt) {
  log.add(sentAt, now() - sentAt);
  delivered += 1;
}

const sorted = (values) => values.sort((a, b) => a - b);

// The latencies grouped by a number computed from each send time; groups
// with a negative or missing number are left out.
function groupBy(numberOf) {
  const groups = [];
  log.forEach((sentAt, latency) => {
    const number = numberOf(sentAt);
    if (number >= 0) (groups[number] ||= []).push(latency);
  });
  return groups;
}

// Sign-in windows of `length` ms from `epoch`: on, off, on, ... A message
// sent in the first quarter of a window is left out of both, so that neither
// side sees the other's sign-ins still in flight. Returns the p50/p99 of
// each side, and the median over window pairs of the p99 ratio: little
// moved by a burst of steal time that lands in a few windows.
function windowFigures({ epoch, length }) {
  const windows = groupBy((sentAt) => {
    const since = sentAt - epoch;
    return since < 0 || since % length < length / 4 ? -1 : Math.floor(since / length);
  }).map((values) => values && sorted(values));
  const figures = {};
  for (const [side, parity] of [["on", 0], ["off", 1]]) {
    const values = sorted(windows.filter((w, number) => w && number % 2 === parity).flat());
    figures[`window_${side}`] = {
      deliveries: values.length,
      p50_ms: percentile(values, 50),
      p99_ms: percentile(values, 99),
    };
  }
  const ratios = [];
  for (let number = 0; number + 1 < windows.length; number += 2) {
    const [on, off] = [windows[number], windows[number + 1]];
    if (on && off) ratios.push(percentile(on, 99) / percentile(off, 99));
  }
  figures.window_pairs = ratios.length;
  figures.window_pair_p99_ratio_median = percentile(sorted(ratios), 50);
  return figures;
}

async function fullReceiver(token) {
  const socket = await connect(token);
  socket.on("message", (message) => received(Number(message.content.split(" ", 1)[0])));
  return socket;
}

const MESSAGE_EVENT = Buffer.from('42/chat,["message",');
const CONTENT = Buffer.from('"content":"');

function sendTime(frame) {
  // The content starts with the sender's clock reading, digits and a dot.
  const at = frame.indexOf(CONTENT) + CONTENT.length;
  let end = at;
  while (end < frame.length && frame[end] !== 0x20) end += 1;
  return Number(frame.toString("latin1", at, end));
}

function leanReceiver(token) {
  return new Promise((resolve, reject) => {
    const url = `${config.url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { perMessageDeflate: true });
    ws.on("error", reject);
    ws.on("message", (frame) => {
      if (frame[0] === 0x34 && frame[1] === 0x32) {
        if (frame.subarray(0, MESSAGE_EVENT.length).equals(MESSAGE_EVENT)) received(sendTime(frame));
        return; // other events (session, presence) are not measured
      }
      const text = frame.toString();
      if (text === "2") ws.send("3");
      else if (text[0] === "0") ws.send(`40/chat,${JSON.stringify({ token })}`);
      else if (text.startsWith("40/chat,")) resolve({ close: () => ws.close() });
      else if (text.startsWith("44/chat,")) reject(new Error(text));
    });
  });
}

const receiverClient = config.receiver_client === "socket.io" ? fullReceiver : leanReceiver;
const receivers = [];
for (let i = 0; i < config.receiver_tokens.length; i += 50) {
  // Connect in batches so the server's handshakes do not pile up.
  const batch = await Promise.all(config.receiver_tokens.slice(i, i + 50).map(receiverClient));
  receivers.push(...batch);
}
const senders = await Promise.all(config.sender_tokens.map(connect));
// A sender's other users (the other senders) also receive: count them too.
for (const socket of senders) {
  socket.on("message", () => {
    delivered += 1;
  });
}
const recipients = receivers.length + senders.length - 1;
await sleep(1000);

// Sign-ins (POST /api/auth/login) at a fixed rate alongside a step, when
// the config gives "login_rates" (one per step) and a "login" to use; they
// run in a process of their own in the idle scheduling class
// (bench/signins.mjs). Stopping resolves to the sign-in latencies (ms),
// sorted, with a `failed` count.
function startLogins(rate, window) {
  if (!rate) return async () => Object.assign([], { failed: 0 });
  const script = fileURLToPath(new URL("./signins.mjs", import.meta.url));
  const args = [process.execPath, script, config.url, String(rate), JSON.stringify(config.login)];
  if (window) args.push(String(window.length), String(window.epoch));
  const child = spawn("chrt", ["--idle", "0", ...args], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  return () =>
    new Promise((resolve, reject) => {
      child.once("exit", (code) => {
        if (code !== 0) return reject(new Error(`signins.mjs exited with ${code}`));
        const { latencies, failed } = JSON.parse(output);
        resolve(Object.assign(sorted(latencies), { failed }));
      });
      child.stdin.end("stop\n");
    });
}

for (const [step, rate] of config.rates.entries()) {
  log = new DeliveryLog();
  delivered = 0;
  let sent = 0;
  let acked = 0;
  const loginRate = (config.login_rates || [])[step] || 0;
  // Windows start a second from now, once the sign-in client is up.
  const windows =
    loginRate && config.login_window_s
      ? { epoch: now() + 1000, length: config.login_window_s * 1000 }
      : null;
  const stopLogins = startLogins(loginRate, windows);
  const interval = 1000 / (rate / senders.length);
  const cpuBefore = serverCpuSeconds();
  const stealBefore = stealSeconds();
  const ownBefore = process.cpuUsage();
  const started = now();
  // Each sender keeps to its schedule by the clock: when this process falls
  // behind (timers fire late while it reads a burst), it sends what is due,
  // so the offered rate is the nominal one.
  const stopAt = started + config.step_seconds * 1000;
  const timers = [];
  senders.forEach((socket, index) => {
    let due = started + (interval / senders.length) * index;
    const tick = () => {
      while (due <= now() && due < stopAt) {
        sent += 1;
        socket.emit(
          "send_message",
          { room_id: config.room_id, content: `${now()} ${"x".repeat(config.padding)}` },
          (ack) => {
            if (ack && ack.ok !== false) acked += 1;
          },
        );
        due += interval;
      }
      if (due < stopAt) timers[index] = setTimeout(tick, Math.max(0, due - now()));
    };
    timers[index] = setTimeout(tick, Math.max(0, due - now()));
  });
  await sleep(config.step_seconds * 1000);
  for (const timer of timers) clearTimeout(timer);
  const elapsed = (now() - started) / 1000;
  const logins = await stopLogins();
  await sleep(2000); // let the last messages land
  const cpu = serverCpuSeconds() - cpuBefore;
  const steal = stealSeconds() - stealBefore;
  const own = process.cpuUsage(ownBefore);
  const windowed = windows
    ? { login_window_s: config.login_window_s, ...windowFigures(windows) }
    : {};
  // A step's p99 can be set by a few bad seconds.
  const seconds = groupBy((sentAt) => Math.floor((sentAt - started) / 1000));
  const p99BySecond = Array.from(seconds, (values) =>
    values ? Math.round(percentile(sorted(values), 99) * 10) / 10 : null,
  );
  const latencies = log.latencies();
  const expected = sent * recipients;
  console.log(
    JSON.stringify({
      rate,
      sent,
      acked,
      deliveries_per_s: delivered / elapsed,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      lost: expected - delivered,
      server_cpu_s: cpu,
      server_cpu_us_per_delivery: delivered ? (cpu / delivered) * 1e6 : null,
      loadgen_cpu_s: (own.user + own.system) / 1e6,
      steal_s: steal,
      logins_per_s: loginRate,
      logins_ok: logins.length,
      logins_failed: logins.failed,
      login_p50_ms: percentile(logins, 50),
      login_p99_ms: percentile(logins, 99),
      p99_ms_by_second: p99BySecond,
      ...windowed,
    }),
  );
}

for (const socket of [...receivers, ...senders]) socket.close();
process.exit(0);
