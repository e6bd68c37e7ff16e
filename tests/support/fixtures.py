"""Test helpers: users made by factories, and tokens for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.tokens import issue_tokens
from app.extensions import db
from app.models import User
from tests.support.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    MessageFactory,
    RoomFactory,
    UserFactory,
    password_hash,
)


@dataclass(frozen=True)
class UserInfo:
    """What a test needs of a user, usable outside any app context."""

    id: int
    username: str
    email: str
    password: str
    role: str


MakeUser = Callable[..., UserInfo]


@pytest.fixture
def make_user(app: Flask) -> MakeUser:
    def make(password: str = DEFAULT_PASSWORD, **fields: Any) -> UserInfo:
        with app.app_context():
            user = UserFactory(password_hash=password_hash(password), **fields)
            return UserInfo(user.id, user.username, user.email, password, user.role)

    return make


@pytest.fixture
def make_room(app: Flask) -> Callable[..., int]:
    """A room stored directly, with the given users as members (the first its owner)."""

    def make(*members: UserInfo, **fields: Any) -> int:
        with app.app_context():
            room = RoomFactory(created_by=members[0].id if members else None, **fields)
            for n, member in enumerate(members):
                MembershipFactory(
                    room_id=room.id, user_id=member.id, role="owner" if n == 0 else "member"
                )
            return room.id

    return make


@pytest.fixture
def make_messages(app: Flask) -> Callable[..., list[int]]:
    """n messages stored directly (no broadcast); returns their ids, oldest first."""

    def make(room_id: int, sender: UserInfo, n: int = 1, **fields: Any) -> list[int]:
        with app.app_context():
            messages = MessageFactory.create_batch(
                n, room_id=room_id, sender_id=sender.id, **fields
            )
            return [m.id for m in messages]

    return make


@pytest.fixture
def tokens_for(app: Flask) -> Callable[[UserInfo], tuple[str, str]]:
    def tokens(user: UserInfo) -> tuple[str, str]:
        with app.app_context():
            return issue_tokens(db.session.get(User, user.id))

    return tokens


@pytest.fixture
def headers_for(tokens_for: Callable[[UserInfo], tuple[str, str]]) -> Callable[[UserInfo], dict]:
    def headers(user: UserInfo) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens_for(user)[0]}"}

    return headers


@pytest.fixture
def user(make_user: MakeUser) -> UserInfo:
    return make_user(username="ada", display_name="Ada L.")


@pytest.fixture
def admin(make_user: MakeUser) -> UserInfo:
    return make_user(username="root", role="admin")


@pytest.fixture
def user_headers(user: UserInfo, headers_for: Callable[[UserInfo], dict]) -> dict[str, str]:
    return headers_for(user)


@pytest.fixture
def admin_headers(admin: UserInfo, headers_for: Callable[[UserInfo], dict]) -> dict[str, str]:
    return headers_for(admin)


def register(client: FlaskClient, **overrides: Any) -> Any:
    body = {"username": "grace", "email": "grace@example.com", "password": "Secr3tPass"}
    body.update(overrides)
    return client.post("/api/auth/register", json=body)


def cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name, path="/") or client.get_cookie(name, path="/api/auth")
    return found.value if found else None


class UserClient:
    """The test client, speaking as one user (Bearer token)."""

    def __init__(self, client: FlaskClient, user: UserInfo, headers: dict[str, str]):
        self.client = client
        self.user = user
        self.headers = headers

    def _call(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.open(path, method=method, json=json, headers=self.headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._call("POST", path, json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._call("PATCH", path, json, **kwargs)

    def delete(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._call("DELETE", path, json, **kwargs)

    def create_room(self, name: str = "general", kind: str = "public", **fields: Any) -> dict:
        response = self.post("/api/rooms", {"name": name, "kind": kind, **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def send(self, room_id: int, content: str = "hello", **fields: Any) -> dict:
        response = self.post(f"/api/rooms/{room_id}/messages", {"content": content, **fields})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()


@pytest.fixture
def as_user(
    client: FlaskClient, headers_for: Callable[[UserInfo], dict]
) -> Callable[..., UserClient]:
    def speak_as(user: UserInfo) -> UserClient:
        return UserClient(client, user, headers_for(user))

    return speak_as


@pytest.fixture
def ada(user: UserInfo, as_user: Callable[..., UserClient]) -> UserClient:
    return as_user(user)


@pytest.fixture
def bob(make_user: MakeUser, as_user: Callable[..., UserClient]) -> UserClient:
    return as_user(make_user(username="bob", display_name="Bob"))


@pytest.fixture
def eve(make_user: MakeUser, as_user: Callable[..., UserClient]) -> UserClient:
    return as_user(make_user(username="eve", display_name="Eve"))


@pytest.fixture
def staff(make_user: MakeUser, as_user: Callable[..., UserClient]) -> UserClient:
    return as_user(make_user(username="mod", role="moderator"))


@pytest.fixture
def root(admin: UserInfo, as_user: Callable[..., UserClient]) -> UserClient:
    return as_user(admin)


@dataclass
class Emitted:
    event: str
    payload: Any
    to: str
    skip_sid: str | None


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[Emitted]:
    """Records what the services hand to the real-time layer."""
    from app.realtime import channels

    calls: list[Emitted] = []
    monkeypatch.setattr(
        channels,
        "emit",
        lambda event, payload, *, to, skip_sid=None: calls.append(
            Emitted(event, payload, to, skip_sid)
        ),
    )
    return calls
