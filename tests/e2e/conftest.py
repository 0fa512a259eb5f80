"""A client for a running Backstride (REST channel + tracker API, the triage policy, section 7).

These tests are marked `server`; `make test` runs them inside
`scripts/with_servers.sh all`, which exports RASA_URL and RASA_AUTH_TOKEN.
"""

from __future__ import annotations

import os
import uuid

import pytest
import requests


class Chat:
    """One runner's conversation."""

    def __init__(self, url: str, token: str, sender: str) -> None:
        self.url, self.token, self.sender = url, token, sender
        self.http = requests.Session()

    def say(self, text: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": self.sender, "message": text, **({"metadata": metadata} if metadata else {})}
        response = self.http.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def texts(self, text: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(text)]

    def tracker(self) -> dict:
        response = self.http.get(f"{self.url}/conversations/{self.sender}/tracker",
                                 params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def slots(self) -> dict:
        return self.tracker()["slots"]

    @property
    def asking(self):
        return self.slots().get("requested_slot")


@pytest.fixture
def chat():
    url = os.environ.get("RASA_URL")
    token = os.environ.get("RASA_AUTH_TOKEN")
    if not url or not token:
        pytest.fail("RASA_URL and RASA_AUTH_TOKEN must be set: run through `make test` "
                    "(scripts/with_servers.sh all -- pytest -m server)")
    return Chat(url, token, f"e2e-{uuid.uuid4().hex[:10]}")
