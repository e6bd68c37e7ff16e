"""Who is online: a user is online while any socket of theirs is connected.

One process keeps this in memory. With REDIS_URL, every process records its
sockets in Redis under its own process id and keeps a heartbeat key alive;
when a process dies without cleaning up, the others notice its heartbeat has
expired and remove its sockets (see `RedisPresence.reap`).
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

import redis


class Presence(Protocol):
    def connect(self, user_id: int, sid: str) -> bool: ...
    def disconnect(self, user_id: int, sid: str) -> bool: ...
    def online_among(self, user_ids: Iterable[int]) -> set[int]: ...
    def count(self) -> int: ...
    def clear(self) -> None: ...


class LocalPresence:
    """Presence for a single server process."""

    def __init__(self) -> None:
        self._sockets: dict[int, set[str]] = defaultdict(set)
        self._lock = threading.Lock()

    def connect(self, user_id: int, sid: str) -> bool:
        """Record a socket; True when the user just came online."""
        with self._lock:
            sockets = self._sockets[user_id]
            was_online = bool(sockets)
            sockets.add(sid)
            return not was_online

    def disconnect(self, user_id: int, sid: str) -> bool:
        """Forget a socket; True when the user just went offline."""
        with self._lock:
            sockets = self._sockets.get(user_id)
            if not sockets or sid not in sockets:
                return False
            sockets.discard(sid)
            if sockets:
                return False
            del self._sockets[user_id]
            return True

    def online_among(self, user_ids: Iterable[int]) -> set[int]:
        with self._lock:
            return {uid for uid in user_ids if self._sockets.get(uid)}

    def count(self) -> int:
        with self._lock:
            return len(self._sockets)

    def clear(self) -> None:
        with self._lock:
            self._sockets.clear()


# KEYS: user set, process set, online set. ARGV: user id, "process|sid", "user|sid".
_CONNECT = """
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('SCARD', KEYS[1]) == 1 then
  redis.call('SADD', KEYS[3], ARGV[1])
  return 1
end
return 0
"""

_DISCONNECT = """
local removed = redis.call('SREM', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[3])
if removed == 1 and redis.call('SCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 1
end
return 0
"""


class RedisPresence:
    """Presence shared by every process through Redis."""

    def __init__(self, client: redis.Redis, ttl: int, prefix: str = "parley:presence:"):
        self.redis = client
        self.ttl = ttl
        self.prefix = prefix
        self.process_id = uuid.uuid4().hex
        self._connect = client.register_script(_CONNECT)
        self._disconnect = client.register_script(_DISCONNECT)

    def _keys(self, user_id: int | str, process_id: str) -> list[str]:
        return [
            f"{self.prefix}user:{user_id}",
            f"{self.prefix}proc:{process_id}",
            f"{self.prefix}online",
        ]

    def connect(self, user_id: int, sid: str) -> bool:
        keys = self._keys(user_id, self.process_id)
        args = [user_id, f"{self.process_id}|{sid}", f"{user_id}|{sid}"]
        return bool(self._connect(keys=keys, args=args))

    def disconnect(self, user_id: int, sid: str, process_id: str | None = None) -> bool:
        process_id = process_id or self.process_id
        keys = self._keys(user_id, process_id)
        args = [user_id, f"{process_id}|{sid}", f"{user_id}|{sid}"]
        return bool(self._disconnect(keys=keys, args=args))

    def online_among(self, user_ids: Iterable[int]) -> set[int]:
        ids = list(user_ids)
        if not ids:
            return set()
        pipe = self.redis.pipeline(transaction=False)
        for user_id in ids:
            pipe.scard(f"{self.prefix}user:{user_id}")
        return {uid for uid, count in zip(ids, pipe.execute(), strict=True) if count}

    def count(self) -> int:
        return int(self.redis.scard(f"{self.prefix}online"))

    def heartbeat(self) -> None:
        """Declare this process alive for the next `ttl` seconds."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(f"{self.prefix}alive:{self.process_id}", 1, ex=self.ttl)
        pipe.sadd(f"{self.prefix}procs", self.process_id)
        pipe.execute()

    def reap(self) -> list[int]:
        """Remove the sockets of processes whose heartbeat expired.

        Returns the users that thereby went offline. Exactly one process reaps
        each dead process (a short lock), so offline is announced once.
        """
        offline: list[int] = []
        for raw in self.redis.smembers(f"{self.prefix}procs"):
            process_id = raw.decode() if isinstance(raw, bytes) else raw
            if process_id == self.process_id:
                continue
            if self.redis.exists(f"{self.prefix}alive:{process_id}"):
                continue
            if not self.redis.set(f"{self.prefix}reaping:{process_id}", 1, nx=True, ex=self.ttl):
                continue
            for entry in self.redis.smembers(f"{self.prefix}proc:{process_id}"):
                user_id, _, sid = (entry.decode() if isinstance(entry, bytes) else entry).partition(
                    "|"
                )
                if self.disconnect(int(user_id), sid, process_id):
                    offline.append(int(user_id))
            self.redis.delete(f"{self.prefix}proc:{process_id}")
            self.redis.srem(f"{self.prefix}procs", process_id)
        return offline

    def retire(self) -> None:
        """A clean stop: this process no longer counts as alive."""
        self.redis.delete(f"{self.prefix}alive:{self.process_id}")

    def clear(self) -> None:
        for key in self.redis.scan_iter(f"{self.prefix}*"):
            self.redis.delete(key)


def make_presence(redis_url: str | None, ttl: int) -> Presence:
    """Presence through Redis when there is a REDIS_URL, else in this process."""
    if redis_url:
        client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        return RedisPresence(client, ttl)
    return LocalPresence()
