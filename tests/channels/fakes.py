"""Local stand-ins for the Slack Web API and the Telegram Bot API.

Each listens on 127.0.0.1 (a free port), answers what the channels call, and
records every call so that a test can wait for the one it expects.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str  # the API method (last part of the path)
    path: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeAPI:
    """A threaded HTTP server that records calls; subclasses answer them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                call = Call(
                    method=self.path.rstrip("/").rsplit("/", 1)[-1],
                    path=self.path,
                    params=_parse(self.headers.get("Content-Type", ""), body),
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                status, answer = fake.answer(call)
                with fake._changed:
                    fake.calls.append(call)
                    fake._changed.notify_all()
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeAPI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, call: Call) -> tuple[int, Any]:
        raise NotImplementedError

    def matching(self, predicate: Callable[[Call], bool]) -> list[Call]:
        with self._changed:
            return [call for call in self.calls if predicate(call)]

    def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 60.0, count: int = 1
    ) -> list[Call]:
        """The first ``count`` calls matching ``predicate``; fails after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [call for call in self.calls if predicate(call)]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params) for c in self.calls[-10:]]
                    raise AssertionError(
                        f"no {count} matching call(s) within {timeout}s; last calls: {seen}"
                    )
                self._changed.wait(min(left, 0.5))

    def stays_without(self, predicate: Callable[[Call], bool], seconds: float) -> bool:
        """True if no matching call arrives within ``seconds``."""
        try:
            self.wait_for(predicate, timeout=seconds)
        except AssertionError:
            return True
        return False


def _parse(content_type: str, body: str) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


class FakeSlackAPI(FakeAPI):
    """``chat.postMessage`` and the ``response_url`` of button clicks (``/respond/...``)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._ts = itertools.count(1)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/respond/{name}"

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.path.startswith("/respond/"):
            return 200, {"ok": True}
        if call.headers.get("authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}
        if call.method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return 200, {"ok": True, "channel": call.params.get("channel"), "ts": ts,
                         "message": {"text": call.params.get("text"), "ts": ts}}
        return 200, {"ok": False, "error": "unknown_method"}

    def posted_to(self, channel: str) -> Callable[[Call], bool]:
        return lambda call: call.method == "chat.postMessage" and call.params.get("channel") == channel


class FakeTelegramAPI(FakeAPI):
    """The Bot API methods the channel uses, at ``/bot<token>/<method>``."""

    BOT_USER = {"id": 777000, "is_bot": True, "first_name": "Backstride", "username": "backstride_bot"}

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._message_ids = itertools.count(1000)

    def answer(self, call: Call) -> tuple[int, Any]:
        if not call.path.startswith(f"/bot{self.token}/"):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = call.method.lower()
        if method in ("setwebhook", "answercallbackquery", "deletewebhook"):
            return 200, {"ok": True, "result": True}
        if method == "getme":
            return 200, {"ok": True, "result": self.BOT_USER}
        if method in ("sendmessage", "editmessagetext", "editmessagereplymarkup"):
            message = {
                "message_id": int(call.params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": int(call.params["chat_id"]), "type": "private"},
                "from": self.BOT_USER,
                "text": call.params.get("text", ""),
            }
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def sent_to(self, chat_id: int) -> Callable[[Call], bool]:
        return lambda call: call.method.lower() == "sendmessage" and call.params.get("chat_id") == str(chat_id)

    def called(self, method: str) -> Callable[[Call], bool]:
        return lambda call: call.method.lower() == method.lower()

