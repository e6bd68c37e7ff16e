"""The JSON of Socket.IO packets: strict, as the contract's JSON is.

python-socketio parses packets with Python's json module, which takes
`NaN` and `Infinity` (not JSON) and recurses once per nesting level. A
packet refused here is dropped: it has no readable ack id to answer, and
the socket stays connected.
"""

from __future__ import annotations

import json
from typing import Any


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def loads(text: str | bytes, **kwargs: Any) -> Any:
    try:
        return json.loads(text, parse_constant=_not_json, **kwargs)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def dumps(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, **kwargs)
