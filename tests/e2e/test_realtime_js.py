"""The real server, driven by the Socket.IO JavaScript client from npm."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.support.server import ROOT

SCRIPT = ROOT / "tests" / "e2e" / "js" / "scenario.mjs"


@pytest.fixture(params=["websocket", "polling"])
def run(request: pytest.FixtureRequest, live_server):
    node = shutil.which("node")
    assert node, "Node.js is required for the JavaScript client tests (.ci/run installs it)"
    assert (ROOT / "node_modules" / "socket.io-client").exists(), "run `npm ci` first (make does)"

    def run_scenario(name: str) -> dict:
        result = subprocess.run(
            [node, str(SCRIPT), name, live_server.base_url, request.param],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            check=False,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        assert lines, f"no result from node:\n{result.stdout}\n{result.stderr}"
        outcome = json.loads(lines[-1])
        assert outcome["ok"], outcome.get("error")
        return outcome["facts"]

    return run_scenario


def test_two_users_chat(run):
    facts = run("chat")
    assert facts["first_event"] == "session"
    assert facts["session_user"] is True
    assert facts["ack_ok"] is True
    assert facts["received_equals_ack"] is True
    assert facts["sender_got_own_message"] is False
    assert facts["typing_ack_ok"] is True
    assert facts["typing_from_bob"] is True


def test_direct_conversation_by_chat_code(run):
    facts = run("dm")
    assert facts == {
        "status": 201,
        "kind": "direct",
        "ada_added": True,
        "bob_added": True,
        "message_delivered": True,
    }


def test_reconnect_catches_up(run):
    facts = run("catchup")
    assert facts["session_first"] is True
    assert facts["catch_up"] == {"count": 3, "has_more": False}
    assert facts["caught_up_ids"] == facts["expected_ids"]
    assert facts["history_ids"] == facts["expected_ids"]


def test_presence_goes_online_and_offline(run):
    assert run("presence") == {"online": "online", "offline": "offline"}


def test_refused_connection_has_the_error_object(run):
    facts = run("refused")
    assert facts["connected"] is False
    assert facts["message"].startswith("The token is invalid")
    assert facts["data"]["error"] == "unauthorized"
