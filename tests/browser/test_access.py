"""Logins and roles as a visitor meets them in Chromium: redirects, the way back, the navbar.

The server-side rules themselves (every callback and route, per role) are tested without a
browser in tests/integration/test_security.py; here the user's path through them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import USERS, login_as, logout


def _path(page) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_an_anonymous_visitor_of_the_front_page_lands_on_transparansi(anon_page, live_app):
    anon_page.goto(live_app + "/")
    assert urlsplit(anon_page.url).path == "/transparansi"


def test_an_internal_page_sends_to_the_login_form_and_back_after_it(anon_page, live_app):
    anon_page.goto(live_app + "/statistik?kanal=sms1708")
    assert urlsplit(anon_page.url).path == "/masuk"
    username, password = USERS[live_app]["staf"]
    anon_page.fill("#login-username", username)
    anon_page.fill("#login-password", password)
    anon_page.click("#login-submit")
    anon_page.wait_for_url(re.compile(r"/statistik\?kanal=sms1708$"))
    expect(anon_page.locator("#shell-user")).to_have_text("Uji Staf")
    assert anon_page.errors == []


def test_a_wrong_password_stays_on_the_form_with_a_message(anon_page, live_app):
    anon_page.goto(live_app + "/masuk")
    anon_page.fill("#login-username", USERS[live_app]["staf"][0])
    anon_page.fill("#login-password", "bukan-kata-sandinya")
    anon_page.click("#login-submit")
    expect(anon_page.locator("#login-message")).to_contain_text("salah")
    assert urlsplit(anon_page.url).path == "/masuk"


def test_the_navbar_offers_only_the_pages_of_the_role(page, live_app):
    page.goto(live_app + "/statistik")
    expect(page.locator("#nav-kesehatan")).to_be_visible()  # admin: every page
    logout(page, live_app)
    login_as(page, live_app, "pimpinan")
    page.goto(live_app + "/statistik")
    expect(page.locator("#shell-user")).to_have_text("Uji Pimpinan")
    expect(page.locator("#nav-statistik")).to_be_visible()
    assert page.locator("#nav-kesehatan").count() == 0  # Kominfo's page, not the Sekda's
    resp = page.goto(live_app + "/kesehatan")
    assert resp.status == 403
    page.errors.clear()  # the 403 above is the expected answer


def test_logging_out_ends_the_session(page, live_app):
    page.goto(live_app + "/statistik")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/keluar") as logout_resp:
        page.click("#shell-logout button")
    assert logout_resp.value.status == 303
    page.wait_for_url(re.compile(r"/transparansi$"))
    assert page.context.cookies() == []
    page.goto(live_app + "/statistik")
    assert urlsplit(page.url).path == "/masuk"
    assert _path(page) == "/masuk?next=/statistik"
