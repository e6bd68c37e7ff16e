// The Node reference: socket.io's own server with the same events, in memory.
//
//   node bench/node_reference.mjs PORT

import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2]);
const httpServer = createServer();
const io = new Server(httpServer);
let nextId = 1;

io.of("/chat").on("connection", (socket) => {
  socket.join("room");
  socket.on("send_message", (data, ack) => {
    const message = {
      id: nextId++,
      room_id: data.room_id,
      sender: { id: 0, username: "reference", display_name: "Reference" },
      content: data.content,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted: false,
      client_id: data.client_id ?? null,
    };
    socket.to("room").emit("message", message);
    if (typeof ack === "function") ack({ ok: true, message });
  });
});

httpServer.listen(port, "127.0.0.1");
