// Sign-ins (POST /api/auth/login) at a fixed rate, in a worker thread of the
// load generator (bench/loadgen.mjs): its own event loop, so that waiting on
// and parsing sign-in responses does not delay the chat receivers' clocks.
//
// workerData: { url, login, rate }. On "stop" it posts back the sign-in
// latencies (ms) and the number that failed, then exits.

import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";

// The sign-in client must not delay the receivers' clocks on the load
// generator's core either: on Linux a nice value belongs to a thread, and
// this lowers only this worker's.
setPriority(19);

const { url, login, rate } = workerData;
const now = () => performance.timeOrigin + performance.now();
const latencies = [];
let failed = 0;

const timer = setInterval(async () => {
  const started = now();
  try {
    const response = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(login),
    });
    await response.arrayBuffer();
    if (response.status === 200) latencies.push(now() - started);
    else failed += 1;
  } catch {
    failed += 1;
  }
}, 1000 / rate);

parentPort.on("message", () => {
  clearInterval(timer);
  parentPort.postMessage({ latencies, failed });
  parentPort.close();
});
