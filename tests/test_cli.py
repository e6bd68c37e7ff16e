from app.extensions import db
from app.models import User


def test_create_admin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "boss",
            "--email",
            "Boss@Example.com",
            "--password",
            "Adm1nPass",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(username="boss").one()
        assert user.role == "admin"
        assert user.email == "boss@example.com"


def test_create_admin_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "boss", "--email", "boss@example.com"],
        input="Adm1nPass\nAdm1nPass\n",
    )
    assert result.exit_code == 0, result.output


def test_create_admin_applies_the_password_rules(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "boss", "--email", "boss@example.com", "--password", "weak"]
    )
    assert result.exit_code != 0
    assert "password" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_create_admin_refuses_a_taken_username(app, runner, make_user):
    make_user(username="boss")
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "BOSS",
            "--email",
            "new@example.com",
            "--password",
            "Adm1nPass",
        ]
    )
    assert result.exit_code != 0
    assert "username" in result.output
