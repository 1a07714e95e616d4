"""XSS payloads in complaint text and other outside text render inert on every page, in real Chromium.

The world (tests/security_world.py) puts <script>, <img onerror>, <svg onload>, javascript: links
and an <iframe> into complaint titles and descriptions, a category, an agency, a kelurahan, a
camera name, a user's display name and a quarantined row. Every page of dash.page_registry is
visited as admin (who may see them all) and the public page anonymously; camera markers are
clicked so that map popups (HTML strings) are rendered too. Any dialog, or any element the payload
would have made, fails the test; the payload's text may appear, escaped.
"""

from __future__ import annotations

import dash
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import _page, serve_app
from tests.browser.test_pages_smoke import wait_for_dash
from tests.conftest import new_database_url
from tests.security_world import app_env, build

# Elements or attributes that only a payload makes; javascript: URLs on links, frames or images.
INJECTED_JS = """() => {
  const found = [];
  const add = (what, el) => found.push(what + ': ' + el.outerHTML.slice(0, 160));
  for (const sel of ['img[src="x"]', 'svg[onload]', '[onerror]', '[onload]', 'iframe']) {
    document.querySelectorAll(sel).forEach(el => add(sel, el));
  }
  for (const [sel, attr] of [['a[href]', 'href'], ['[src]', 'src'], ['[action]', 'action'],
                             ['[formaction]', 'formaction'], ['[xlink\\\\:href]', 'xlink:href']]) {
    document.querySelectorAll(sel).forEach(el => {
      const v = (el.getAttribute(attr) || '').replace(/\\s/g, '').toLowerCase();
      if (v.startsWith('javascript:')) add(attr + '=javascript:', el);
    });
  }
  document.querySelectorAll('script').forEach(el => {
    if (el.textContent.includes('xss-')) add('script', el);
  });
  return found;
}"""
MARKERS = ".cam-marker"


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory):
    """`python app.py` on a database seeded with the security world (payloads included)."""
    tmp = tmp_path_factory.mktemp("xss")
    url, cleanup = new_database_url(tmp)
    try:
        with app_env(url, tmp):
            build(url, tmp, complaints=300)
        with serve_app(url, tmp, extra_env={"SNAPSHOT_DIR": str(tmp / "snapshots")}) as server:
            yield server.url
    finally:
        cleanup()


def _pages() -> list[str]:
    import app  # noqa: F401  (registers the pages, no I/O)

    return sorted(p["path"] for p in dash.page_registry.values())


def _visit(pg, url: str) -> tuple[list[str], str, int]:
    """Open `url`, let Dash settle, open camera popups; (injected elements, text, popups opened)."""
    pg.goto(url)
    wait_for_dash(pg)
    markers, popups = pg.locator(MARKERS), 0
    for i in range(min(markers.count(), 8)):
        marker = markers.nth(i)
        if marker.is_visible():
            marker.click(force=True)  # the popup is an HTML string set as innerHTML by Leaflet
            try:
                pg.wait_for_selector(".leaflet-popup-content", state="attached", timeout=3000)
                popups += 1
            except PlaywrightTimeout:
                pass  # a layer without popups (the wall's map): nothing to render
    found = pg.evaluate(INJECTED_JS)
    return found, pg.evaluate("() => document.body.innerText"), popups


def _check(browser, base: str, role: str | None, paths: list[str]) -> tuple[dict, list[str], str]:
    pg = _page(browser, base, role)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    injected, texts, popups = {}, [], 0
    try:
        for path in paths:
            found, text, opened = _visit(pg, base + path)
            texts.append(text)
            popups += opened
            if found:
                injected[path] = found
    finally:
        pg.context.close()
    assert popups > 0, "no camera popup could be opened: the map's HTML strings were not rendered"
    return injected, dialogs, "\n".join(texts)


def test_payloads_are_inert_on_every_page_for_admin(browser, xss_app):
    paths = _pages()
    assert "/transparansi" in paths and "/admin" in paths
    injected, dialogs, text = _check(browser, xss_app, "admin", paths)
    assert dialogs == [], dialogs
    assert injected == {}, injected
    # The payloads were on the pages, as text: the camera name, the user's name, complaint titles.
    assert "onerror=\"alert('xss-img')\"" in text and "<script>alert('xss-script')</script>" in text


def test_payloads_are_inert_on_the_public_page_for_anonymous_visitors(browser, xss_app):
    injected, dialogs, text = _check(browser, xss_app, None, ["/transparansi", "/"])
    assert dialogs == [], dialogs
    assert injected == {}, injected
    assert "xss-img" in text  # the category and the camera name, escaped
