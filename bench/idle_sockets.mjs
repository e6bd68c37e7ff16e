// Opens N authenticated /chat websocket connections and holds them.
//
//   node bench/idle_sockets.mjs <url> <token> <count>
//
// Prints {"connected": n, "failed": m, "seconds": s} once all attempts are
// settled, then keeps the sockets open until stdin closes, answering each
// line it reads with {"still_connected": n}.

import { io } from "socket.io-client";

const [url, token, countText] = process.argv.slice(2);
const count = Number(countText);
const sockets = [];
let connected = 0;
let failed = 0;
const started = Date.now();

function open() {
  return new Promise((resolve) => {
    const socket = io(`${url}/chat`, {
      auth: { token },
      transports: ["websocket"],
      reconnection: false,
      perMessageDeflate: false,
      forceNew: true,
    });
    socket.once("connect", () => {
      connected += 1;
      resolve();
    });
    socket.once("connect_error", () => {
      failed += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

for (let i = 0; i < count; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, count - i) }, open));
}
console.log(JSON.stringify({ connected, failed, seconds: (Date.now() - started) / 1000 }));
// Each line on stdin asks how many are still connected (reconnection is off,
// so a socket the server dropped stays dropped).
process.stdin.setEncoding("utf8");
process.stdin.on("data", () => {
  console.log(JSON.stringify({ still_connected: sockets.filter((s) => s.connected).length }));
});
process.stdin.on("end", () => process.exit(0));
