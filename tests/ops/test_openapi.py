import re


def test_openapi_document_describes_every_api_route(app, client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in doc["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api-docs"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is undocumented"


def test_openapi_documents_request_bodies(client):
    doc = client.get("/api/openapi.json").get_json()
    register = doc["paths"]["/api/auth/register"]["post"]
    schema_ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert set(schema["required"]) == {"username", "email", "password"}


def test_every_error_response_has_the_contracts_shape(client):
    doc = client.get("/api/openapi.json").get_json()
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "message", "fields"}
    assert set(error["required"]) == {"error", "message"}
    for name, response in doc["components"]["responses"].items():
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error", name


def test_the_document_declares_bearer_and_cookie_security(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert doc["components"]["securitySchemes"]["cookie"]["in"] == "cookie"
    assert doc["security"] == [{"bearer": []}, {"cookie": []}]
    assert doc["paths"]["/api/auth/login"]["post"]["security"] == []
    assert "security" not in doc["paths"]["/api/users/me"]["get"]


def test_path_ids_are_documented_with_their_bounds(client):
    doc = client.get("/api/openapi.json").get_json()
    room = doc["paths"]["/api/rooms/{room_id}"]["parameters"][0]["schema"]
    message = doc["paths"]["/api/messages/{message_id}"]["parameters"][0]["schema"]
    assert room == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert message["maximum"] == 2**63 - 1
