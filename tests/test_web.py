"""The web client's files, as Flask serves them."""

from pathlib import Path

import pytest


@pytest.fixture
def fetch(client):
    """GET a file and read it whole (file responses must be closed)."""

    def fetch(path):
        with client.get(path) as response:
            response.get_data()
            return response

    return fetch


def test_index_is_the_single_page_client(fetch):
    response = fetch("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'<script type="module" src="/static/js/app.js">' in response.data


def test_index_forbids_inline_and_foreign_scripts(fetch):
    policy = fetch("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_socketio_client_is_served_locally(fetch):
    response = fetch("/vendor/socket.io.esm.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"export" in response.data


@pytest.mark.parametrize(
    "path", ["/static/js/app.js", "/static/js/api.js", "/static/js/dom.js", "/static/css/app.css"]
)
def test_client_files_are_served(fetch, path):
    assert fetch(path).status_code == 200


def test_client_never_writes_html_from_data():
    scripts = Path(__file__).parents[1] / "app" / "web" / "static" / "js"
    source = "".join(p.read_text() for p in scripts.glob("*.js"))
    assert "innerHTML" not in source
    assert "insertAdjacentHTML" not in source
