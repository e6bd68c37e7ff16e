"""Command-line tools: `flask users create-admin`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from marshmallow import ValidationError

from app.auth.schemas import RegisterArgs
from app.auth.services import register_user
from app.errors import ApiError

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--email", required=True, help="The admin's e-mail address.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
def create_admin(username: str, email: str, password: str) -> None:
    """Create an admin account, with the same rules as registration."""
    try:
        data = RegisterArgs().load({"username": username, "email": email, "password": password})
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in exc.messages.items())
        raise click.ClickException(problems) from exc
    try:
        user = register_user(data, role="admin")
    except ApiError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created admin {user.username} (id {user.id}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
