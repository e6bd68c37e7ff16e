import pytest

from config import (
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    load_config,
    normalize_database_url,
)

SECRETS = {"SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": "j" * 40}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JWT_SECRET_KEY"])
def test_production_refuses_to_start_without_secrets(missing):
    environ = {k: v for k, v in SECRETS.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        ProductionConfig(environ)


def test_development_makes_up_secrets():
    config = DevelopmentConfig({})
    assert len(config.SECRET_KEY) > 32
    assert config.JWT_SECRET_KEY != config.SECRET_KEY


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+psycopg2://u:p@h:5432/d"),
        ("postgresql://u:p@h/d", "postgresql+psycopg2://u:p@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_select_psycopg2(url, expected):
    assert normalize_database_url(url) == expected


def test_default_database_is_sqlite_in_instance():
    uri = DevelopmentConfig({}).SQLALCHEMY_DATABASE_URI
    assert uri.startswith("sqlite:///")
    assert uri.endswith("instance/parley.db")


def test_production_listens_on_every_interface_by_default():
    assert ProductionConfig(SECRETS).HOST == "0.0.0.0"
    assert DevelopmentConfig({}).HOST == "127.0.0.1"


def test_defaults_follow_the_contract():
    config = DevelopmentConfig({})
    assert config.PORT == 8000
    assert config.BCRYPT_ROUNDS == 12
    assert config.JWT_ACCESS_TOKEN_EXPIRES.total_seconds() == 15 * 60
    assert config.JWT_REFRESH_TOKEN_EXPIRES.days == 30
    assert config.LOG_FORMAT == "text"
    assert ProductionConfig(SECRETS).LOG_FORMAT == "json"
    assert config.RATELIMIT_ENABLED is True


def test_environment_overrides():
    config = DevelopmentConfig(
        {"PORT": "9000", "RATELIMIT_ENABLED": "false", "ACCESS_TOKEN_MINUTES": "5",
         "REDIS_URL": "redis://r:6379/0", "CORS_ORIGINS": "https://a.example, https://b.example"}
    )  # fmt: skip
    assert config.PORT == 9000
    assert config.RATELIMIT_ENABLED is False
    assert config.JWT_ACCESS_TOKEN_EXPIRES.total_seconds() == 300
    assert config.RATELIMIT_STORAGE_URI == "redis://r:6379/0"
    assert config.CORS_ORIGINS == ["https://a.example", "https://b.example"]


def test_bad_numbers_are_reported_by_name():
    with pytest.raises(ConfigError, match="PORT"):
        DevelopmentConfig({"PORT": "eighty"})


def test_parley_env_picks_the_class():
    assert isinstance(load_config({"PARLEY_ENV": "production", **SECRETS}), ProductionConfig)
    with pytest.raises(ConfigError):
        load_config({"PARLEY_ENV": "staging"})


def test_pooled_connections_are_not_pinged_by_default():
    options = ProductionConfig(SECRETS).SQLALCHEMY_ENGINE_OPTIONS
    assert options == {"pool_pre_ping": False, "pool_recycle": 1800}


def test_pinging_and_recycling_are_settings():
    environ = {**SECRETS, "DATABASE_PRE_PING": "true", "DATABASE_POOL_RECYCLE": "300"}
    options = ProductionConfig(environ).SQLALCHEMY_ENGINE_OPTIONS
    assert options == {"pool_pre_ping": True, "pool_recycle": 300}
