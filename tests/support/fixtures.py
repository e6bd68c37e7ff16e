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
from tests.support.factories import DEFAULT_PASSWORD, UserFactory, password_hash


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
