// Sign-ins (POST /api/auth/login) at a fixed rate, as a process of their own
// that bench/loadgen.mjs starts beside itself, on its core, in the idle
// scheduling class (chrt --idle): the sign-in client runs only when the load
// generator has nothing to do, so it cannot delay the receivers' clocks. A
// worker thread at the highest nice value could: the scheduler lets a
// running thread finish its time slice before a woken one gets the core.
//
//   node bench/signins.mjs <url> <rate> <login JSON> [<window ms> <epoch ms>]
//
// With a window, sign-ins run only in alternate windows of that length
// counted from the epoch (a clock reading shared with the load generator):
// on in the first, off in the second, and so on.
//
// A line on stdin stops it; it then prints one JSON line, the sign-in
// latencies (ms) and the number that failed, and exits.

import { createInterface } from "node:readline";

const [url, rate, login] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const [windowMs, epoch] = [Number(process.argv[5] || 0), Number(process.argv[6] || 0)];
const now = () => performance.timeOrigin + performance.now();
const inOnWindow = () => !windowMs || Math.floor((now() - epoch) / windowMs) % 2 === 0;
const latencies = [];
let failed = 0;

const timer = setInterval(async () => {
  if (!inOnWindow()) return;
  const started = now();
  try {
    const response = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: login,
    });
    await response.arrayBuffer();
    if (response.status === 200) latencies.push(now() - started);
    else failed += 1;
  } catch {
    failed += 1;
  }
}, 1000 / rate);

createInterface({ input: process.stdin }).once("line", () => {
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ latencies, failed })}\n`, () => process.exit(0));
});
