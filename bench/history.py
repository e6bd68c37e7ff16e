"""History paging cost against table and room size, on a real PostgreSQL.

    .venv/bin/python bench/history.py [--total 1000000] [--rooms 1000] [--repeat 200]

Starts a throw-away PostgreSQL server, migrates it, and measures one page of
50 messages (the service function REST and Socket.IO call) at the start,
middle and end of the biggest room, first with 10,000 messages in the table,
then with --total. One message in ten goes to the big room, the rest are
spread over the other rooms, interleaved as a live server would write them.
Prints median and p95 per position, and the query plan of a middle page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.messages.services import history
from app.models import User
from config import TestingConfig
from tests.support.postgres import PostgresServer

BIG_ROOM = 1
SMALL_ROOM = 2


def fill(total: int, rooms: int, already: int) -> None:
    """Bring the messages table to `total` rows with set-based SQL."""
    db.session.execute(
        text(
            """
            INSERT INTO messages (room_id, sender_id, content, created_at, deleted)
            SELECT CASE WHEN i % 10 = 0 THEN :big ELSE 2 + (i % (:rooms - 1)) END,
                   1, 'message ' || i, now(), false
            FROM generate_series(:start, :stop) AS i
            """
        ),
        {"big": BIG_ROOM, "rooms": rooms, "start": already + 1, "stop": total},
    )
    db.session.execute(
        text(
            "UPDATE rooms SET last_message_id = m.max_id FROM "
            "(SELECT room_id, max(id) AS max_id FROM messages GROUP BY room_id) m "
            "WHERE rooms.id = m.room_id"
        )
    )
    db.session.commit()
    db.session.execute(text("ANALYZE messages"))
    db.session.commit()


def setup_rooms(rooms: int) -> User:
    db.session.execute(
        text(
            "INSERT INTO users (id, username, email, password_hash, display_name, bio, role, "
            "active, token_version, created_at, updated_at) VALUES "
            "(1, 'bench', 'bench@example.com', 'x', 'Bench', '', 'user', true, 0, now(), now())"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO rooms (id, kind, name, description, created_at) "
            "SELECT i, 'public', 'room ' || i, '', now() FROM generate_series(1, :n) AS i"
        ),
        {"n": rooms},
    )
    db.session.commit()
    return db.session.get(User, 1)


def timed(user: User, repeat: int, room: int = BIG_ROOM, **cursor: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = history(user, room, limit=50, **cursor)
        samples.append((time.perf_counter() - started) * 1000)
        db.session.expunge_all()
    assert page.messages
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(user: User, repeat: int) -> dict[str, tuple[float, float]]:
    first, _last, count = db.session.execute(
        text("SELECT min(id), max(id), count(*) FROM messages WHERE room_id = :r"),
        {"r": BIG_ROOM},
    ).one()
    middle = db.session.execute(
        text("SELECT id FROM messages WHERE room_id = :r ORDER BY id OFFSET :o LIMIT 1"),
        {"r": BIG_ROOM, "o": count // 2},
    ).scalar_one()
    return {
        "start (after=first)": timed(user, repeat, after=first - 1),
        "middle (before=mid)": timed(user, repeat, before=middle),
        "end (newest page)": timed(user, repeat),
        f"small room {SMALL_ROOM}, newest": timed(user, repeat, room=SMALL_ROOM),
        "_big_room_size": (count, 0),
        "_middle": (middle, 0),
    }


def explain(room: int, before: int) -> str:
    """The plan of the query history() runs for a page before `before`."""
    rows = db.session.execute(
        text(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM messages WHERE room_id = :r AND id < :b "
            "ORDER BY id DESC LIMIT 51"
        ),
        {"r": room, "b": before},
    ).all()
    return "\n".join(f"    {row[0]}" for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--rooms", type=int, default=1_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    server = PostgresServer()
    try:
        url = server.start()
        app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            flask_migrate.upgrade()
            user = setup_rooms(args.rooms)
            results = {}
            for total, already in ((args.small, 0), (args.total, args.small)):
                started = time.perf_counter()
                fill(total, args.rooms, already)
                print(f"filled to {total:,} messages in {time.perf_counter() - started:.1f}s")
                results[total] = measure(user, args.repeat)
            print()
            print(f"page of 50 in the big room (room {BIG_ROOM}), {args.repeat} runs each, ms")
            print(f"{'position':<22}" + "".join(f"{f'{t:,} msgs':>26}" for t in results))
            print(f"{'':<22}" + "".join(f"{'median':>13}{'p95':>13}" for _ in results))
            for position in results[args.small]:
                if position.startswith("_"):
                    continue
                cells = "".join(
                    f"{results[t][position][0]:>13.3f}{results[t][position][1]:>13.3f}"
                    for t in results
                )
                print(f"{position:<22}{cells}")
            sizes = ", ".join(f"{results[t]['_big_room_size'][0]:,}" for t in results)
            print(f"big room holds {sizes} messages")
            small, big = (results[t]["middle (before=mid)"][0] for t in results)
            print(f"ratio middle page, {args.total:,} vs {args.small:,}: {big / small:.2f}")
            middle = results[args.total]["_middle"][0]
            print("\nquery plan, big room, middle page at full size:")
            print(explain(BIG_ROOM, middle))
            print(f"\nquery plan, small room {SMALL_ROOM}, middle page at full size:")
            print(explain(SMALL_ROOM, middle))
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
