import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


# SQLite cannot reflect expression indexes (lower(username)); SQLAlchemy warns
# and leaves them out of the comparison. The PostgreSQL run compares them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_name_keys_are_filled_in_for_existing_rows(tmp_path):
    import flask_migrate
    from sqlalchemy import text

    from app import create_app
    from config import TestingConfig

    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        flask_migrate.upgrade(revision="0002")
        db.session.execute(
            text(
                "INSERT INTO users (username, email, password_hash, display_name, bio, role,"
                " active, token_version, created_at, updated_at)"
                " VALUES ('Ada', 'ada@example.com', 'x', 'Ada', '', 'user', 1, 0,"
                " '2026-01-01', '2026-01-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO rooms (kind, name, description, created_at)"
                " VALUES ('public', 'Straße', '', '2026-01-01')"
            )
        )
        db.session.commit()
        flask_migrate.upgrade()
        keys = db.session.execute(text("SELECT username_key, email_key FROM users")).one()
        room_key = db.session.execute(text("SELECT name_key FROM rooms")).scalar()
        db.engine.dispose()
    assert tuple(keys) == ("ada", "ada@example.com")
    assert room_key == "strasse"
