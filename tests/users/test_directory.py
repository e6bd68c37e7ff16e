import pytest


def test_users_list_shows_public_forms_to_users(client, user, make_user, user_headers):
    make_user(username="bob")
    body = client.get("/api/users", headers=user_headers).get_json()
    assert {u["username"] for u in body["users"]} == {"ada", "bob"}
    by_name = {u["username"]: u for u in body["users"]}
    assert "email" not in by_name["bob"]
    assert "email" in by_name["ada"]  # the caller's own entry
    assert body["has_more"] is False
    assert body["next_cursor"] is None


def test_users_list_shows_private_forms_to_admins(client, user, admin_headers):
    body = client.get("/api/users", headers=admin_headers).get_json()
    assert all("email" in u for u in body["users"])


def test_q_matches_a_username_or_display_name_prefix_ignoring_case(
    client, user, make_user, user_headers
):
    make_user(username="bob", display_name="Adalbert")
    make_user(username="carol", display_name="Carol")
    make_user(username="dave", display_name="Not Ada")
    body = client.get("/api/users?q=AD", headers=user_headers).get_json()
    assert {u["username"] for u in body["users"]} == {"ada", "bob"}


def test_q_treats_wildcards_literally(client, user, make_user, user_headers):
    make_user(username="a_b")
    body = client.get("/api/users?q=a_", headers=user_headers).get_json()
    assert [u["username"] for u in body["users"]] == ["a_b"]


def test_users_are_paged_by_cursor(client, user, make_user, user_headers):
    for name in ("b1", "b2", "b3", "b4"):
        make_user(username=name)
    first = client.get("/api/users?limit=2", headers=user_headers).get_json()
    assert len(first["users"]) == 2
    assert first["has_more"] is True
    second = client.get(
        f"/api/users?limit=2&cursor={first['next_cursor']}", headers=user_headers
    ).get_json()
    third = client.get(
        f"/api/users?limit=2&cursor={second['next_cursor']}", headers=user_headers
    ).get_json()
    names = [u["username"] for page in (first, second, third) for u in page["users"]]
    assert names == ["ada", "b1", "b2", "b3", "b4"]
    assert third["has_more"] is False
    assert third["next_cursor"] is None


def test_exact_page_boundary_has_no_more(client, user, make_user, user_headers):
    make_user(username="bob")
    body = client.get("/api/users?limit=2", headers=user_headers).get_json()
    assert body["has_more"] is False
    assert body["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "limit=101", "cursor=-1", "cursor=x"])
def test_invalid_query_parameter_is_named(client, user_headers, query):
    response = client.get(f"/api/users?{query}", headers=user_headers)
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"
    assert query.split("=")[0] in response.get_json()["fields"]


def test_admins_filter_by_role(client, user, admin, admin_headers):
    body = client.get("/api/users?role=admin", headers=admin_headers).get_json()
    assert [u["username"] for u in body["users"]] == [admin.username]


def test_users_may_not_filter_by_role(client, user_headers):
    response = client.get("/api/users?role=admin", headers=user_headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_deactivated_users_are_hidden_from_users(client, user, make_user, user_headers):
    make_user(username="sleepy", active=False)
    body = client.get("/api/users", headers=user_headers).get_json()
    assert "sleepy" not in {u["username"] for u in body["users"]}


def test_admins_filter_by_active(client, user, make_user, admin_headers):
    make_user(username="sleepy", active=False)
    body = client.get("/api/users?active=false", headers=admin_headers).get_json()
    assert [u["username"] for u in body["users"]] == ["sleepy"]


def test_get_user_is_public_for_others(client, make_user, user_headers):
    other = make_user(username="bob")
    body = client.get(f"/api/users/{other.id}", headers=user_headers).get_json()
    assert body["username"] == "bob"
    assert "email" not in body


def test_get_user_is_private_for_themself(client, user, user_headers):
    assert "email" in client.get(f"/api/users/{user.id}", headers=user_headers).get_json()


def test_get_user_is_private_for_admins(client, user, admin_headers):
    assert "email" in client.get(f"/api/users/{user.id}", headers=admin_headers).get_json()


def test_unknown_user_is_not_found(client, user_headers):
    response = client.get("/api/users/9999", headers=user_headers)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
