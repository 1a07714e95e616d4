"""Every page in `dash.page_registry` renders in real Chromium without an error anywhere.

A screenshot of each page lands in var/screenshots/<page>.png, failing or not, for a human look.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

RENDER_TIMEOUT_S = 45
QUIET_S = 0.6  # Dash counts as settled after this long with nothing pending
_BROKEN = "cannot list the pages: "
HIDE_DEV_TOOLS_CSS = ".dash-debug-menu__outer { display: none !important; }"

# True when Dash has nothing in flight: no pending callback in the renderer's store and no
# component flagged as loading. Same test as dash.testing's wait_for_callbacks.
DASH_IDLE_JS = """() => {
  if (!window.store || !document.querySelector('#_pages_content')) return false;
  const callbacks = Object.assign({}, window.store.getState().callbacks);
  delete callbacks.stored;
  delete callbacks.completed;
  const pending = [].concat(...Object.values(callbacks)).length;
  return pending === 0 && !document.querySelector('[data-dash-is-loading="true"]');
}"""


def _registered_pages() -> list[tuple[str, str]]:
    """(name, path) of every registered page; `import app` registers them without I/O."""
    import dash

    import app  # noqa: F401

    pages = [(p["module"].removeprefix("pages."), p["path"]) for p in dash.page_registry.values()]
    if not pages:
        raise RuntimeError("dash.page_registry is empty: no page to smoke-test")
    return sorted(pages, key=lambda page: page[1])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" not in metafunc.fixturenames:
        return
    try:
        pages = _registered_pages()
    except Exception as exc:
        # A broken page must fail this test, not abort collection of the whole suite.
        pages = [("app-import", f"{_BROKEN}{type(exc).__name__}: {exc}")]
    metafunc.parametrize(("page_name", "page_path"), pages, ids=[name for name, _ in pages])


def wait_for_dash(page, timeout_s: float = RENDER_TIMEOUT_S) -> None:
    """Wait until the page content is rendered and Dash has stayed idle for QUIET_S."""
    page.wait_for_selector("#_pages_content", state="attached", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    idle_since = None
    while True:
        now = time.monotonic()
        if page.evaluate(DASH_IDLE_JS):
            idle_since = idle_since or now
            if now - idle_since >= QUIET_S:
                return
        else:
            idle_since = None
        if now > deadline:
            loading = page.eval_on_selector_all(
                '[data-dash-is-loading="true"]', "els => els.map(e => e.id || e.className)"
            )
            pytest.fail(f"Dash still busy after {timeout_s} s (loading: {loading})")
        page.wait_for_timeout(100)


def _dev_tools_error_count(page) -> int:
    badge = page.locator(".test-devtools-error-count")
    text = badge.first.inner_text().strip() if badge.count() else ""
    return int(text) if text.isdigit() else 0


def _dev_tools_errors(page) -> list[str]:
    """Errors listed by Dash's dev tools (callback exceptions, invalid props), title and details."""
    if not _dev_tools_error_count(page):
        return []
    badge = page.locator(".test-devtools-error-count")
    if page.locator(".dash-fe-error__title").count() == 0:
        badge.first.click()  # the error list is closed: open it to read the errors
        page.wait_for_timeout(300)
    errors = []
    for item in page.locator(".test-devtools-error-toggle").all():
        title = item.locator(".dash-fe-error__title").inner_text().strip()
        item.click()  # expands the details (the message, or the server's traceback)
        page.wait_for_timeout(200)
        details = page.locator(".dash-fe-error__info").last.inner_text().strip()
        errors.append(f"{title}\n{details[:1500]}")
    return errors or [f"{_dev_tools_error_count(page)} error(s) in Dash dev tools"]


def _screenshot(page, path: Path) -> None:
    """Full-page screenshot; Dash's dev tools bar is hidden unless it has errors to show."""
    has_errors = bool(_dev_tools_error_count(page))
    page.screenshot(path=path, full_page=True, style=None if has_errors else HIDE_DEV_TOOLS_CSS)


@pytest.mark.browser
def test_page_renders_without_errors(page, app_server, screenshots_dir, page_name, page_path):
    if page_path.startswith(_BROKEN):
        pytest.fail(page_path)
    log_start = app_server.log_size()
    response = page.goto(app_server.url + page_path, wait_until="domcontentloaded")
    assert response is not None and response.status == 200, (
        f"{page_path}: HTTP {response and response.status}"
    )

    try:
        wait_for_dash(page)
    finally:
        _screenshot(page, screenshots_dir / f"{page_name}.png")

    server_log = app_server.log_since(log_start)
    assert _dev_tools_errors(page) == [], f"server log:\n{server_log[-6000:]}"
    assert page.locator(".dash-fe-error__title").count() == 0
    assert "Traceback" not in page.content()
    assert page.errors == [], f"server log:\n{server_log[-6000:]}"
    assert "Traceback" not in server_log, server_log[-6000:]
    assert page.locator("#_pages_content").inner_text().strip(), f"{page_path} rendered nothing"
