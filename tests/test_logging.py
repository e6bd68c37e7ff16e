import json
import logging

import pytest

from app.log import make_handler


@pytest.mark.config(LOG_FORMAT="json", LOG_LEVEL="INFO")
def test_json_access_log_lines_carry_the_request_id(capsys, client):
    client.get("/api/health", headers={"X-Request-ID": "req-42"})
    lines = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]
    access = [line for line in lines if line["logger"] == "parley.access"]
    assert access[-1]["request_id"] == "req-42"
    assert access[-1]["status"] == 200
    assert access[-1]["path"] == "/api/health"
    assert access[-1]["level"] == "INFO"
    assert access[-1]["time"].endswith("Z") or access[-1]["time"].endswith("+00:00")


def test_text_format_is_one_readable_line(capsys):
    handler = make_handler("text")
    record = logging.LogRecord("parley", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    handler.handle(record)
    assert "INFO [-] parley: hello you" in capsys.readouterr().out
