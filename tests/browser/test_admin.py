"""The admin page in Chromium, as the admin of the `page` fixture: create a user, give them a new
password that then works on the login form, disable a camera (and enable it again, since the
server is shared with the other browser tests), with no error anywhere.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

CAMERA = "BKB"  # a camera of cameras.yaml, the registry the browser server is seeded from


def _login_status(browser, base_url: str, username: str, password: str) -> int:
    """HTTP status of a login through the real form, in a context of its own (303 = logged in)."""
    context = browser.new_context()
    try:
        form = context.request.get(f"{base_url}/masuk")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text())
        assert csrf, f"no login form at {base_url}/masuk (HTTP {form.status})"
        resp = context.request.post(
            f"{base_url}/masuk",
            form={"username": username, "password": password, "csrf": csrf.group(1), "next": "/"},
            max_redirects=0,
        )
        return resp.status
    finally:
        context.close()


def test_the_admin_creates_a_user_resets_the_password_and_disables_a_camera(
    page, live_app, app_server, screenshots_dir
):
    log_start = app_server.log_size()
    page.goto(live_app + "/admin")
    users = page.locator("#adm-users")
    expect(users).to_contain_text("uji_admin")
    expect(page.locator("#adm-no-caller")).to_have_count(0)  # signed in as an admin

    # Create a user with a generated password, shown once.
    username = f"uji_baru_{secrets.token_hex(3)}"
    page.fill("#adm-new-username", username)
    page.fill("#adm-new-name", "Pengguna Baru")
    page.select_option("#adm-new-role", "staf")
    page.click("#adm-new-submit")
    once = page.locator("#adm-password-once")
    expect(once).to_be_visible()
    first = once.inner_text().strip()
    row = page.locator(f'tr[data-user="{username}"]')
    expect(row).to_contain_text("Pengguna Baru")
    expect(page.locator("#adm-new-username")).to_have_value("")

    # A new password replaces it, shown once too.
    row.get_by_role("button", name="Sandi baru").click()
    expect(page.locator("#adm-user-msg")).to_contain_text("kata sandi lama tidak berlaku lagi")
    second = once.inner_text().strip()
    assert len(second) >= 10 and second != first
    assert _login_status(page.context.browser, live_app, username, first) == 401
    assert _login_status(page.context.browser, live_app, username, second) == 303

    # A new role takes effect at once (the table is redrawn from the database).
    row.locator("select").select_option("pimpinan")
    expect(page.locator("#adm-user-msg")).to_contain_text(f"Peran {username} sekarang Pimpinan")
    expect(row.locator("select")).to_have_value("pimpinan")

    # The admin cannot disable themselves: a clear refusal, nothing changes.
    page.locator('tr[data-user="uji_admin"]').get_by_role("button", name="Nonaktifkan").click()
    expect(page.locator("#adm-user-msg")).to_contain_text("tidak dapat menonaktifkan akun Anda sendiri")

    # Disable a camera: the grid says so; then enable it again.
    page.fill("#adm-cam-search", CAMERA)
    grid_row = page.locator("#adm-cam-grid .ag-center-cols-container .ag-row", has_text=CAMERA).first
    grid_row.click()
    dialog = page.locator("#adm-cam-modal")
    expect(dialog).to_be_visible()
    expect(page.locator("#adm-cam-title")).to_contain_text("Ubah kamera")
    url_box = page.locator("#adm-cam-url")
    url = url_box.input_value()
    assert url.startswith("http")  # an hls camera
    url_box.fill("rtsp://10.0.0.1/stream")
    page.click("#adm-cam-save")
    expect(page.locator("#adm-cam-msg")).to_contain_text("URL: kamera jenis hls memerlukan alamat http://")
    expect(url_box).to_have_class(re.compile(r"\bis-invalid\b"))
    url_box.fill(url)
    switch = page.locator("#adm-cam-enabled")
    expect(switch).to_be_checked()
    switch.uncheck()
    page.click("#adm-cam-save")
    expect(page.locator("#adm-cam-msg")).to_contain_text("Kamera bkb disimpan: dinonaktifkan.")
    expect(url_box).not_to_have_class(re.compile(r"\bis-invalid\b"))
    expect(grid_row).to_contain_text("Dinonaktifkan")
    page.screenshot(path=str(screenshots_dir / "admin.png"), full_page=True)

    switch.check()
    page.click("#adm-cam-save")
    expect(grid_row).not_to_contain_text("Dinonaktifkan")
    assert page.errors == []

    # Every change left an audit line in the server's output; no password did.
    log = app_server.log_since(log_start)
    for line in (
        f"admin uji_admin: create {username} role='staf' password='generated'",
        f"admin uji_admin: reset-password {username}",
        f"admin uji_admin: role {username} before='staf' after='pimpinan'",
        "admin uji_admin: edit-camera bkb enabled='True -> False'",
        "admin uji_admin: edit-camera bkb enabled='False -> True'",
    ):
        assert line in log
    assert first not in log and second not in log
