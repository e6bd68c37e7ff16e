from tests.support.fixtures import register


def test_register_returns_private_user_and_tokens(client):
    response = register(client, display_name="Grace H.", bio="  compilers  ")
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "grace"
    assert body["user"]["email"] == "grace@example.com"
    assert body["user"]["display_name"] == "Grace H."
    assert body["user"]["bio"] == "compilers"
    assert body["user"]["role"] == "user"
    assert body["user"]["active"] is True
    assert body["access_token"] and body["refresh_token"]
