"""The web client at `/`, used the way people use it."""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.server import ROOT

PASSWORD = "Secr3tPass"


@pytest.fixture
def open_page(browser: Browser, web_server, pages: list[Page]):
    def open_page(width: int = 1200, height: int = 800) -> Page:
        context = browser.new_context(
            base_url=web_server.base_url, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto("/")
        pages.append(page)
        return page

    return open_page


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def register(page: Page, username: str) -> None:
    form = page.locator("#register-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("E-mail").fill(f"{username}@example.com")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Register").click()
    expect(page.locator("#connection")).to_have_text("online")


def create_room(page: Page, name: str) -> None:
    form = page.locator("#create-room-form")
    form.get_by_label("Name").fill(name)
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#room-title")).to_have_text(name)
    room_loaded(page)


def room_loaded(page: Page) -> None:
    """Opening a room ends by putting the cursor in the message box."""
    expect(page.locator("#composer-input")).to_be_focused()


def join_room(page: Page, name: str) -> None:
    page.get_by_role("button", name=f"Join {name}").click()
    expect(page.locator("#room-title")).to_have_text(name)
    room_loaded(page)
    # The list of rooms to join is drawn again after a join; let it settle.
    expect(page.get_by_role("button", name=f"Join {name}")).to_have_count(0)


def send(page: Page, text: str) -> None:
    page.locator("#composer-input").fill(text)
    page.locator("#composer-input").press("Enter")


def messages(page: Page):
    return page.locator("#messages .message .body")


def two_users_in_a_room(open_page, prefix: str = "room-") -> tuple[Page, Page, str]:
    """Ada creates a public room, Bob joins it from the list; both pages open on it."""
    ada, bob = open_page(), open_page()
    room = unique(prefix)
    register(ada, unique("ada"))
    register(bob, unique("bob"))
    create_room(ada, room)
    bob.reload()  # the list of rooms to join is read when the page loads
    join_room(bob, room)
    return ada, bob, room


def test_two_users_chat_both_ways_in_real_time(open_page):
    ada, bob, _room = two_users_in_a_room(open_page, "general-")
    send(ada, "hello bob")
    expect(messages(bob).last).to_have_text("hello bob")
    send(bob, "hi ada")
    expect(messages(ada).last).to_have_text("hi ada")
    expect(ada.locator("#member-list .dot.online")).to_have_count(2)


def test_unread_badge_and_last_message_in_the_room_list(open_page):
    ada, bob = open_page(), open_page()
    first, second = unique("first-"), unique("second-")
    register(ada, unique("ada"))
    register(bob, unique("bob"))
    create_room(ada, first)
    create_room(ada, second)
    bob.reload()
    join_room(bob, first)
    join_room(bob, second)
    ada.locator(".room-item", has_text=first).click()
    expect(ada.locator("#room-title")).to_have_text(first)
    send(ada, "one")
    send(ada, "news in the first room")
    item = bob.locator(".room-item", has_text=first)
    expect(item.locator(".badge")).to_have_text("2")
    expect(item.locator(".preview")).to_contain_text("news in the first room")


def test_edit_and_delete_own_messages(open_page):
    ada, bob, _room = two_users_in_a_room(open_page, "edits-")
    send(ada, "tpyo")
    ada.get_by_role("button", name="Edit message").last.click()
    box = ada.locator(".edit-box")
    box.fill("typo fixed")
    box.press("Enter")
    expect(messages(bob).last).to_have_text("typo fixed")
    expect(bob.locator("#messages .edited")).to_have_count(1)
    ada.get_by_role("button", name="Delete message").last.click()
    expect(bob.locator("#messages .body.deleted")).to_have_text("Message deleted")
    expect(bob.get_by_role("button", name="Edit message")).to_have_count(0)


def test_typing_indicator(open_page):
    ada, bob, _room = two_users_in_a_room(open_page, "typing-")
    ada.locator("#composer-input").press_sequentially("hel")
    expect(bob.locator("#typing")).to_contain_text("is typing")


def test_direct_conversation_by_chat_code(open_page):
    ada, bob = open_page(), open_page()
    ada_name, bob_name = unique("ada"), unique("bob")
    register(ada, ada_name)
    register(bob, bob_name)
    ada.get_by_role("button", name="Show my chat code").click()
    expect(ada.locator("#my-code")).to_contain_text("Your chat code:")
    code = ada.locator("#my-code").inner_text().split(":")[1].split()[0]
    form = bob.locator("#dm-form")
    form.get_by_label("Someone's code").fill(code)
    form.get_by_role("button", name="Start conversation").click()
    expect(bob.locator("#room-title")).to_have_text(f"@ {ada_name}")
    send(bob, "psst")
    expect(ada.locator(".room-item", has_text=f"@ {bob_name}")).to_be_visible()
    ada.locator(".room-item", has_text=f"@ {bob_name}").click()
    expect(messages(ada).last).to_have_text("psst")


def test_older_history_loads_on_scroll(open_page, web_server):
    ada = open_page()
    name, room_name = unique("ada"), unique("history-")
    register(ada, name)
    create_room(ada, room_name)
    token = requests.post(
        f"{web_server.base_url}/api/auth/login",
        json={"login": name, "password": PASSWORD},
        timeout=10,
    ).json()["access_token"]
    room_id = requests.get(
        f"{web_server.base_url}/api/rooms?joined=true",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["rooms"][0]["id"]
    for i in range(120):
        requests.post(
            f"{web_server.base_url}/api/rooms/{room_id}/messages",
            json={"content": f"message {i}"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    ada.reload()
    ada.locator(".room-item", has_text=room_name).click()
    expect(messages(ada)).to_have_count(50)
    for expected in (100, 120):
        ada.locator("#messages").evaluate("list => { list.scrollTop = 0; }")
        expect(messages(ada)).to_have_count(expected)
    expect(messages(ada).first).to_have_text("message 0")


def test_message_text_is_never_html(open_page):
    ada, bob, _room = two_users_in_a_room(open_page, "xss-")
    alerts: list[str] = []
    bob.on("dialog", lambda dialog: alerts.append(dialog.message))
    payload = "<img src=x onerror=alert(1)>"
    send(ada, payload)
    expect(messages(bob).last).to_have_text(payload)
    assert bob.locator("#messages img").count() == 0
    assert alerts == []


def test_reload_keeps_the_session(open_page):
    ada = open_page()
    name = unique("ada")
    register(ada, name)
    ada.reload()
    expect(ada.locator("#chat-view")).to_be_visible()
    expect(ada.locator("#connection")).to_have_text("online")
    expect(ada.locator("#me")).to_have_text(name)


def test_log_out(open_page):
    ada = open_page()
    register(ada, unique("ada"))
    ada.get_by_role("button", name="Log out").click()
    expect(ada.locator("#auth-view")).to_be_visible()
    ada.reload()
    expect(ada.locator("#auth-view")).to_be_visible()


def test_keyboard_only_sign_in_and_send(open_page, web_server):
    name = unique("kbd")
    requests.post(
        f"{web_server.base_url}/api/auth/register",
        json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
        timeout=10,
    )
    page = open_page()
    expect(page.get_by_label("Username or e-mail")).to_be_focused()  # focus lands there
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#connection")).to_have_text("online")
    page.locator("#create-room-form").get_by_label("Name").focus()
    page.keyboard.type(unique("kbd-room-"))
    page.keyboard.press("Enter")
    expect(page.locator("#composer-input")).to_be_focused()
    page.keyboard.type("sent from the keyboard")
    page.keyboard.press("Enter")
    expect(messages(page).last).to_have_text("sent from the keyboard")


def test_phone_width_shows_rooms_behind_a_button(open_page):
    page = open_page(width=390, height=800)
    register(page, unique("phone"))
    expect(page.locator("#sidebar")).to_be_hidden()
    page.get_by_role("button", name="Rooms").click()
    expect(page.locator("#sidebar")).to_be_visible()
    create_room(page, unique("pocket-"))
    expect(page.locator("#sidebar")).to_be_hidden()
    expect(page.locator("#composer-input")).to_be_visible()


def test_connection_state_and_catch_up_after_a_network_drop(open_page):
    ada, bob, _room = two_users_in_a_room(open_page, "drop-")
    bob.context.set_offline(True)
    bob.evaluate("() => window.dispatchEvent(new Event('offline'))")
    expect(bob.locator("#connection")).not_to_have_text("online", timeout=30_000)
    send(ada, "while you were away")
    bob.context.set_offline(False)
    expect(bob.locator("#connection")).to_have_text("online", timeout=30_000)
    expect(messages(bob).last).to_have_text("while you were away")


def rename(web_server, username: str, display_name: str) -> None:
    token = requests.post(
        f"{web_server.base_url}/api/auth/login",
        json={"login": username, "password": PASSWORD},
        timeout=10,
    ).json()["access_token"]
    requests.patch(
        f"{web_server.base_url}/api/users/me",
        json={"display_name": display_name},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_screenshot(open_page, web_server, request):
    """Renders a small conversation; with --update-screenshot it becomes docs/web-client.png."""
    ada, bob = open_page(1280, 720), open_page()
    room = f"launch-{uuid.uuid4().hex[:4]}"
    ada_name, bob_name = unique("ada"), unique("bob")
    register(ada, ada_name)
    register(bob, bob_name)
    rename(web_server, ada_name, "Ada Lovelace")
    rename(web_server, bob_name, "Bob Kahn")
    ada.reload()
    bob.reload()
    expect(ada.locator("#me")).to_have_text("Ada Lovelace")
    create_room(ada, room)
    bob.reload()
    join_room(bob, room)
    send(bob, "Morning! Did the deploy go out?")
    send(ada, "It did: two processes behind nginx, Redis in between.")
    send(bob, "Nice. Messages still arrive in order?")
    expect(messages(ada)).to_have_count(3)
    image = ada.screenshot()
    assert image.startswith(b"\x89PNG")
    if request.config.getoption("--update-screenshot"):
        (ROOT / "docs" / "web-client.png").write_bytes(image)


def test_leave_a_room(open_page):
    ada, bob, room = two_users_in_a_room(open_page, "leave-")
    bob.get_by_role("button", name="Leave room").click()
    expect(bob.locator("#room-title")).to_have_text("Pick a room")
    expect(bob.locator(".room-item", has_text=room)).to_have_count(0)
    expect(bob.get_by_role("button", name=f"Join {room}")).to_be_visible()
    expect(ada.locator("#member-list li")).to_have_count(1)
