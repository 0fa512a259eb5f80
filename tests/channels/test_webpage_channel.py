"""The web page channel, mounted the way Rasa mounts it and called through ASGI.

No server, no model: the channel's blueprint is registered on a bare Sanic app
with Rasa's own ``register`` (which joins its prefix onto "/webhooks/"), and
requests are played through Sanic's ASGI interface.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re

import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

from channels.webpage import BUNDLE, WEB_DIR, WebPageInput, strip_third_party_fonts

_app_names = itertools.count()


class AsgiClient:
    """Just enough of an HTTP client for GET / POST against a Sanic app."""

    def __init__(self, channel: WebPageInput) -> None:
        self.app = Sanic(f"webpage_test_{next(_app_names)}")
        register([channel], self.app, route="/webhooks/")
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._lifespan_startup())

    async def _lifespan_startup(self) -> None:
        messages = asyncio.Queue()
        await messages.put({"type": "lifespan.startup"})
        started = asyncio.Event()

        async def send(message: dict) -> None:
            if message["type"] == "lifespan.startup.complete":
                started.set()

        self._lifespan = asyncio.ensure_future(
            self.app({"type": "lifespan", "asgi": {"version": "3.0"}}, messages.get, send))
        await asyncio.wait_for(started.wait(), 10)

    def request(self, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
        return self.loop.run_until_complete(self._request(path, method))

    async def _request(self, raw_path: str, method: str) -> tuple[int, dict, bytes]:
        path = raw_path.split("?")[0]
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path,
            "raw_path": raw_path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"localhost:5005")],
            "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 5005),
        }
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], headers, body

    def close(self) -> None:
        self._lifespan.cancel()
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()


@pytest.fixture(scope="module", autouse=True)
def sanic_test_mode():
    """Lets several Sanic apps start in one process (as sanic-testing does)."""
    before, Sanic.test_mode = Sanic.test_mode, True
    yield
    Sanic.test_mode = before


@pytest.fixture(scope="module")
def client(sanic_test_mode):
    c = AsgiClient(WebPageInput.from_credentials(None))
    yield c
    c.close()


def bundle_installed() -> None:
    if not (WEB_DIR / BUNDLE).is_file():
        pytest.fail(f"{WEB_DIR / BUNDLE} is missing: run `npm ci --prefix web` first")


# --- serving -------------------------------------------------------------------------------


def test_the_page_is_served_at_web_slash(client):
    status, headers, body = client.request("/web/")
    page = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert 'name="viewport"' in page
    assert "not a diagnosis" in page
    assert "emergency number" in page and "both legs" in page and "bladder" in page
    assert '<script src="webchat.js"></script>' in page


def test_web_without_slash_redirects_so_relative_links_work(client):
    status, headers, _ = client.request("/web")
    assert status in (301, 302, 307, 308) and headers["location"] == "/web/"


def test_the_bundle_is_the_local_npm_package_without_google_fonts(client):
    bundle_installed()
    status, headers, body = client.request("/web/webchat.js")
    assert status == 200 and headers["content-type"].startswith("application/javascript")
    assert b"rasaWebchatPro" in body  # rasa-webchat's own mount point id
    assert b"fonts.googleapis.com" not in body
    assert b"fonts.googleapis.com" in (WEB_DIR / BUNDLE).read_bytes()  # the file itself is untouched


@pytest.mark.parametrize("name, kind", [("backstride.css", "text/css"), ("app.js", "application/javascript")])
def test_page_assets_are_served(client, name, kind):
    status, headers, body = client.request(f"/web/{name}")
    assert status == 200 and headers["content-type"].startswith(kind)
    assert body == (WEB_DIR / name).read_bytes()


def test_the_page_names_no_other_host():
    """Nothing in web/ may load from another site (the bundle is checked above)."""
    for name in ("index.html", "backstride.css", "app.js"):
        text = (WEB_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), name


def test_pages_carry_a_policy_that_keeps_requests_on_this_server(client):
    _, headers, _ = client.request("/web/")
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script: injected HTML can't run code
    assert policy["connect-src"] == "'self'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


# --- nothing else --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/web/../credentials.yml",
    "/web/..%2Fcredentials.yml",
    "/web/..%2fcredentials.yml",
    "/web/%2e%2e%2fcredentials.yml",
    "/web/%2E%2E/credentials.yml",
    "/web/..%5Ccredentials.yml",
    "/web/....//credentials.yml",
    "/web/%2Fetc%2Fpasswd",
    "/web//etc/passwd",
    "/web/%252e%252e%252fcredentials.yml",
    "/web/node_modules/rasa-webchat/lib/index.js",
    "/web/node_modules%2Frasa-webchat%2Fpackage.json",
    "/web/package.json",
    "/web/package-lock.json",
    "/web/credentials.yml",
    "/web/webpage.py",
    "/web/.gitignore",
    "/web/missing.css",
])
def test_no_other_file_can_be_read(client, path):
    status, _, body = client.request(path)
    assert status == 404, (path, status)
    for secret in (b"session_persistence", b"root:x:", b"rasaWebchatPro", b'"dependencies"', b"import "):
        assert secret not in body, (path, secret)


def test_only_get_is_answered(client):
    status, _, _ = client.request("/web/", method="POST")
    assert status == 405


def test_files_outside_the_table_are_never_served_even_if_added_later(tmp_path):
    (tmp_path / "index.html").write_text("<p>hello</p>")
    c = AsgiClient(WebPageInput(web_dir=str(tmp_path)))
    try:
        (tmp_path / "later.css").write_text("p {}")
        assert c.request("/web/later.css")[0] == 404
        assert c.request("/web/")[2] == b"<p>hello</p>"
    finally:
        c.close()


def test_a_missing_widget_says_how_to_install_it(tmp_path):
    (tmp_path / "index.html").write_text("<p>hello</p>")
    c = AsgiClient(WebPageInput(web_dir=str(tmp_path)))
    try:
        status, _, body = c.request("/web/webchat.js")
        assert status == 503 and b"npm ci --prefix web" in body
    finally:
        c.close()


def test_the_google_fonts_import_is_removed_and_nothing_else():
    css = ('x.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);",""]),'
           'x.push([e.i,".rw-message{font-family:Inter,sans-serif}",""])')
    assert strip_third_party_fonts(css) == (
        'x.push([e.i,"",""]),x.push([e.i,".rw-message{font-family:Inter,sans-serif}",""])')


def test_the_widget_version_is_pinned_and_locked():
    package = json.loads((WEB_DIR / "package.json").read_text())
    lock = json.loads((WEB_DIR / "package-lock.json").read_text())
    assert package["dependencies"] == {"rasa-webchat": "1.0.1"}
    assert lock["packages"]["node_modules/rasa-webchat"]["version"] == "1.0.1"
    assert lock["packages"]["node_modules/rasa-webchat"]["integrity"].startswith("sha512-")
