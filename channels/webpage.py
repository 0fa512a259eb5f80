"""Serves Backstride's chat page and the rasa-webchat bundle from Rasa itself.

Loaded from credentials.yml as ``channels.webpage.WebPageInput:``. The page is
then at ``/web/`` on the same origin as Rasa's socket.io channel, so the widget
needs no CORS and no third-party host: the bundle comes from
``web/node_modules`` (``npm ci --prefix web``), never from a CDN.

Only a fixed set of files is served: ``index.html``, the bundle, and the
``.css`` / ``.js`` files found directly in ``web/`` at start-up. A request
path is only ever a key into that table, never joined onto a directory, so
no request can read any other file.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
BUNDLE = Path("node_modules") / "rasa-webchat" / "lib" / "index.js"
PAGE = "index.html"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
}

# The bundle's CSS @imports the "Inter" font from Google Fonts: a health page
# must not hand its users' IP addresses to a third party, so the import is
# removed here and backstride.css sets a system font instead.
THIRD_PARTY_FONT = re.compile(r"@import url\(\s*[\"']?https?://fonts\.googleapis\.com[^)]*\)\s*;?")

# No inline script, nothing from another host; socket.io goes to this origin.
# The widget injects its CSS as <style> elements, hence 'unsafe-inline' styles.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def strip_third_party_fonts(bundle: str) -> str:
    return THIRD_PARTY_FONT.sub("", bundle)


class WebPageInput(InputChannel):
    """Static web page for the chat widget; receives no messages itself."""

    @classmethod
    def name(cls) -> Text:
        return "webpage"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebPageInput":
        credentials = credentials or {}
        return cls(web_dir=credentials.get("web_dir"))

    def __init__(self, web_dir: Optional[Text] = None) -> None:
        self.web_dir = Path(web_dir).resolve() if web_dir else WEB_DIR
        self._bundle_cache: Optional[tuple[float, bytes]] = None

    def url_prefix(self) -> Text:
        # Rasa joins this onto "/webhooks/"; an absolute path replaces it.
        return "/web"

    def files(self) -> Dict[Text, Path]:
        """Name -> path of every file this channel will serve, besides the bundle."""
        return {
            path.name: path
            for path in sorted(self.web_dir.iterdir())
            if path.is_file() and path.suffix in CONTENT_TYPES and not path.name.startswith(".")
        }

    def bundle(self) -> Optional[bytes]:
        """The rasa-webchat bundle without its Google Fonts import (None if not installed)."""
        path = self.web_dir / BUNDLE
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        if not self._bundle_cache or self._bundle_cache[0] != mtime:
            text = strip_third_party_fonts(path.read_text(encoding="utf-8"))
            self._bundle_cache = (mtime, text.encode("utf-8"))
        return self._bundle_cache[1]

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        files = self.files()
        if PAGE not in files:
            logger.warning("The web page %s is missing; /web/ will answer 404.", self.web_dir / PAGE)
        if self.bundle() is None:
            logger.warning("The chat widget is not installed (%s); run `npm ci --prefix web`.",
                           self.web_dir / BUNDLE)
        web = Blueprint("webpage", url_prefix=self.url_prefix())

        def serve(name: Text) -> HTTPResponse:
            path = files.get(name)
            if path is None or not path.is_file():
                return response.text("Not found.", status=404, headers=SECURITY_HEADERS)
            return response.raw(path.read_bytes(), headers=SECURITY_HEADERS,
                                content_type=CONTENT_TYPES[path.suffix])

        @web.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            # The page's links are relative: "/web" must become "/web/".
            if not request.path.endswith("/"):
                return response.redirect(self.url_prefix() + "/", headers=SECURITY_HEADERS)
            return serve(PAGE)

        @web.route("/webchat.js", methods=["GET"])
        async def widget(_: Request) -> HTTPResponse:
            body = self.bundle()
            if body is None:
                return response.text(
                    "The chat widget is not installed on this server: run `npm ci --prefix web`.",
                    status=503, headers=SECURITY_HEADERS)
            return response.raw(body, headers=SECURITY_HEADERS, content_type=CONTENT_TYPES[".js"])

        @web.route("/<name:str>", methods=["GET"])
        async def asset(_: Request, name: Text) -> HTTPResponse:
            return serve(name or PAGE)  # Sanic routes "/web/" here with an empty name

        return web
