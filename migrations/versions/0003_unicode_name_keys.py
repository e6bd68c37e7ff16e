"""names unique ignoring case in any script: folded key columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

The unique indexes on lower(name) folded only ASCII on SQLite (and on a
PostgreSQL whose ctype is C), so "Ärger" and "ärger" were two names there
and one on PostgreSQL elsewhere. The keys are app.models.types.folded()
of the name, computed in Python on every backend.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def folded(text):
    # As app.models.types.folded, copied: a migration must not change when the app does.
    return unicodedata.normalize("NFKC", text).casefold()


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_key", sa.Text(), nullable=True))
        batch.add_column(sa.Column("email_key", sa.Text(), nullable=True))
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("name_key", sa.Text(), nullable=True))
    connection = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("username"), sa.column("email"),
                     sa.column("username_key"), sa.column("email_key"))  # fmt: skip
    for user_id, username, email in connection.execute(
        sa.select(users.c.id, users.c.username, users.c.email)
    ):
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(username_key=folded(username), email_key=folded(email))
        )
    rooms = sa.table("rooms", sa.column("id"), sa.column("name"), sa.column("name_key"))
    for room_id, name in connection.execute(
        sa.select(rooms.c.id, rooms.c.name).where(rooms.c.name.is_not(None))
    ):
        connection.execute(
            rooms.update().where(rooms.c.id == room_id).values(name_key=folded(name))
        )
    op.drop_index("uq_users_username_lower", table_name="users")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_index("uq_rooms_name_lower", table_name="rooms")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("username_key", existing_type=sa.Text(), nullable=False)
        batch.alter_column("email_key", existing_type=sa.Text(), nullable=False)
    op.create_index("uq_users_username_key", "users", ["username_key"], unique=True)
    op.create_index("uq_users_email_key", "users", ["email_key"], unique=True)
    op.create_index("uq_rooms_name_key", "rooms", ["name_key"], unique=True)


def downgrade():
    op.drop_index("uq_rooms_name_key", table_name="rooms")
    op.drop_index("uq_users_email_key", table_name="users")
    op.drop_index("uq_users_username_key", table_name="users")
    op.create_index("uq_rooms_name_lower", "rooms", [sa.text("lower(name)")], unique=True)
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("name_key")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_key")
        batch.drop_column("username_key")
