"""The reference: a bare Flask-SocketIO eventlet server with Parley's events and no storage.

    python bench/reference_server.py PORT

Everyone who connects to /chat joins one room; `send_message` is relayed to
the room (minus the sender's socket) and acknowledged, like Parley's, but
nothing is authenticated, validated or stored. Stock settings throughout.
"""

import eventlet

eventlet.monkey_patch()

import itertools  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import Namespace, SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet")
ids = itertools.count(1)


class Chat(Namespace):
    def on_connect(self, auth=None):
        join_room("room")

    def on_send_message(self, data):
        message = {
            "id": next(ids),
            "room_id": data["room_id"],
            "sender": {"id": 0, "username": "reference", "display_name": "Reference"},
            "content": data["content"],
            "created_at": datetime.now(UTC).isoformat(),
            "edited_at": None,
            "deleted": False,
            "client_id": data.get("client_id"),
        }
        socketio.emit("message", message, to="room", namespace="/chat", skip_sid=request.sid)
        return {"ok": True, "message": message}


socketio.on_namespace(Chat("/chat"))

if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False)
