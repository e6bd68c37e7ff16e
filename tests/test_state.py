"""Per-process state belongs to the app that create_app built, not to modules."""

import config
from app import create_app
from app.auth.credentials import Credentials
from app.state import ProcessState


def test_each_app_has_its_own_process_state(database_url):
    first, second = (
        create_app(config.TestingConfig(SQLALCHEMY_DATABASE_URI=database_url)) for _ in range(2)
    )
    one, other = ProcessState.of(first), ProcessState.of(second)
    one.sockets.add("sid-1", Credentials(1, "jti", 0))
    one.presence.connect(1, "sid-1")
    one.typing.should_relay(1, 2, True, now=0.0)
    one.draining.set()
    assert other.sockets.get("sid-1") is None
    assert other.presence.online_among([1]) == set()
    assert other.typing.should_relay(1, 2, True, now=0.5)  # not throttled by the other app
    assert not other.draining.is_set()


def test_a_repeated_typing_true_is_relayed_once_per_interval(app):
    relay = ProcessState.of(app).typing
    assert relay.should_relay(1, 2, True, now=10.0)
    assert not relay.should_relay(1, 2, True, now=11.0)
    assert relay.should_relay(1, 2, True, now=12.0)


def test_a_change_of_typing_state_is_always_relayed(app):
    relay = ProcessState.of(app).typing
    assert relay.should_relay(1, 2, True, now=10.0)
    assert relay.should_relay(1, 2, False, now=10.1)
