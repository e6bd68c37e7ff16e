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

import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const TICKS_PER_SECOND = 100;

function serverCpuSeconds() {
  const stat = readFileSync(`/proc/${config.server_pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
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

let latencies = [];
let delivered = 0;

const receivers = [];
for (let i = 0; i < config.receiver_tokens.length; i += 50) {
  // Connect in batches so the server's handshakes do not pile up.
  const batch = await Promise.all(config.receiver_tokens.slice(i, i + 50).map(connect));
  receivers.push(...batch);
}
for (const socket of receivers) {
  socket.on("message", (message) => {
    const sentAt = Number(message.content.split(" ", 1)[0]);
    latencies.push(now() - sentAt);
    delivered += 1;
  });
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

for (const rate of config.rates) {
  latencies = [];
  delivered = 0;
  let sent = 0;
  let acked = 0;
  const interval = 1000 / (rate / senders.length);
  const cpuBefore = serverCpuSeconds();
  const ownBefore = process.cpuUsage();
  const started = now();
  const timers = senders.map((socket, index) =>
    setTimeout(() => {
      const timer = setInterval(() => {
        sent += 1;
        socket.emit(
          "send_message",
          { room_id: config.room_id, content: `${now()} ${"x".repeat(config.padding)}` },
          (ack) => {
            if (ack && ack.ok !== false) acked += 1;
          },
        );
      }, interval);
      timers[index] = timer;
    }, (interval / senders.length) * index),
  );
  await sleep(config.step_seconds * 1000);
  for (const timer of timers) clearInterval(timer);
  const elapsed = (now() - started) / 1000;
  await sleep(2000); // let the last messages land
  const cpu = serverCpuSeconds() - cpuBefore;
  const own = process.cpuUsage(ownBefore);
  latencies.sort((a, b) => a - b);
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
    }),
  );
}

for (const socket of [...receivers, ...senders]) socket.close();
process.exit(0);
