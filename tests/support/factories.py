"""factory_boy factories for the models."""

from __future__ import annotations

import functools

import bcrypt
import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.extensions import db
from app.models import Membership, Message, Room, User

DEFAULT_PASSWORD = "Passw0rd!"


@functools.cache
def password_hash(password: str = DEFAULT_PASSWORD) -> str:
    # Tests run with BCRYPT_ROUNDS=4; hashing each distinct password once keeps them fast.
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()


class _Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(_Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username.lower()}@example.com")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password_hash = factory.LazyFunction(password_hash)
    role = "user"
    active = True


class RoomFactory(_Factory):
    """A public room; pass `kind="private"` for another kind. No members."""

    class Meta:
        model = Room

    kind = "public"
    name = factory.Sequence(lambda n: f"room-{n}")
    created_by = None


class MembershipFactory(_Factory):
    class Meta:
        model = Membership

    role = "member"


class MessageFactory(_Factory):
    class Meta:
        model = Message

    content = factory.Sequence(lambda n: f"message {n}")
