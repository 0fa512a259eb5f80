"""A socket.io client that talks to Backstride as the web widget does (credentials.yml:
``user_uttered`` / ``bot_uttered``, ``session_persistence: true``).

A turn is over when the tracker (read through the HTTP API) holds the message
and ends listening, and its replies have arrived (each turn gets at least one,
channels/guard.py).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Optional

import requests
import socketio


class Widget:
    """One browser tab: a socket.io connection and the session id the server confirmed."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.http = requests.Session()
        self.http.trust_env = False
        self.replies: list[dict] = []
        self._lock = threading.Lock()
        self._confirmed = threading.Event()
        self.session_id: Optional[str] = None
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", self._on_reply)
        self.sio.on("session_confirm", self._on_confirm)

    def _on_reply(self, data: Any) -> None:
        with self._lock:
            self.replies.append(data)

    def _on_confirm(self, session_id: Any) -> None:
        self.session_id = session_id
        self._confirmed.set()

    def open(self, session_id: Optional[str] = None) -> "Widget":
        self.sio.connect(self.url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
        self._confirmed.clear()
        self.sio.emit("session_request", {"session_id": session_id})
        assert self._confirmed.wait(30), "no session_confirm"
        return self

    def close(self) -> None:
        self.sio.disconnect()

    def taken(self) -> list[dict]:
        with self._lock:
            replies, self.replies = self.replies, []
        return replies

    def tracker(self) -> dict:
        response = self.http.get(f"{self.url}/conversations/{self.session_id}/tracker",
                                 params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def user_events(self) -> list[dict]:
        return [e for e in self.tracker()["events"] if e["event"] == "user"]

    def say(self, text: str, timeout: float = 90) -> list[dict]:
        """Send ``text`` and return the replies of the turn (after the tracker was saved)."""
        before = len(self.user_events())
        self.taken()
        self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.tracker()["events"]
            users = [e for e in events if e["event"] == "user"]
            if len(users) > before and events[-1].get("name") == "action_listen" and self.replies:
                time.sleep(0.3)  # the turn's replies go out together; let the last one land
                return self.taken()
            time.sleep(0.2)
        raise AssertionError(f"the turn for {text[:40]!r} did not finish within {timeout}s")

    def emit_raw(self, event: str, data: Any, timeout: float = 30) -> list[dict]:
        """Emit anything and return what came back within a short while (at least one reply)."""
        self.taken()
        self.sio.emit(event, data)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.replies:
            time.sleep(0.1)
        time.sleep(0.3)
        return self.taken()
