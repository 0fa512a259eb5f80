"""A conversation survives restarts of both servers in the middle of the form.

Each test starts its own action server and Rasa server (ports 5506/5556) on a
tracker store it owns, stops both after two answers, starts them again and
finishes the conversation: same question, same facts, then a result. Once on
SQLite (the default store) and once on PostgreSQL (`make test-postgres`).
"""

from __future__ import annotations

import os
import secrets
import uuid
from pathlib import Path

import pytest

from backstride.store.migrate import upgrade
from tests.channels.conftest_chat import HOST, MODEL, RASA, Server, base_env, http

RASA_PORT, ACTIONS_PORT = 5506, 5556
#: What the runner answers when nothing is wrong beyond the opener; "no" to everything else.
PLAIN_ANSWERS = {"pain_radiation": "it stays in my back", "pain_severity": "3"}


class Pair:
    """The two servers on one tracker store; restartable."""

    def __init__(self, workdir: Path, database_url: str) -> None:
        self.workdir, self.token = workdir, secrets.token_urlsafe(16)
        self.env = base_env(ACTIONS_PORT=str(ACTIONS_PORT), DATABASE_URL=database_url, BACKSTRIDE_ENV="test")
        self.servers: list[Server] = []
        self.url = f"http://{HOST}:{RASA_PORT}"
        self.http = http()

    def start(self) -> "Pair":
        n = len(self.servers)
        actions = Server("action server", [RASA, "run", "actions", "--actions", "actions", "-p", str(ACTIONS_PORT)],
                         self.env, self.workdir / f"actions-{n}.log")
        rasa = Server("rasa", [RASA, "run", "-m", str(MODEL), "--enable-api", f"--auth-token={self.token}",
                               "-p", str(RASA_PORT), "-i", HOST, "--credentials", "credentials.yml",
                               "--endpoints", "endpoints.yml"], self.env, self.workdir / f"rasa-{n}.log")
        actions.start(f"http://{HOST}:{ACTIONS_PORT}/health", ACTIONS_PORT, 60)
        rasa.start(f"{self.url}/status?token={self.token}", RASA_PORT, 180)
        self.servers += [actions, rasa]
        return self

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def say(self, sender: str, text: str) -> list:
        response = self.http.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = self.http.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def finish(self, sender: str, turns: int = 16) -> dict:
        """Answer whatever the form asks until there is a result; the slots then."""
        for _ in range(turns):
            slots = self.tracker(sender)["slots"]
            if slots["triage_level"]:
                return slots
            self.say(sender, PLAIN_ANSWERS.get(slots["requested_slot"], "no"))
        raise AssertionError(f"no result after {turns} answers")


def play_through_a_restart(workdir: Path, database_url: str) -> None:
    upgrade(database_url)
    pair = Pair(workdir, database_url).start()
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    try:
        pair.say(sender, "my lower back has hurt for 4 days")
        pair.say(sender, "no")  # the emergency question
        before = pair.tracker(sender)
        asked = before["slots"]["requested_slot"]
        assert asked == "pain_radiation"

        pair.stop()
        pair.start()

        after = pair.tracker(sender)
        assert after["active_loop"].get("name") == "back_pain_form"
        assert after["slots"]["requested_slot"] == asked
        for slot in ("pain_location", "pain_duration_days", "emergency_signs"):
            assert after["slots"][slot] == before["slots"][slot], slot

        pair.say(sender, "it stays in my back")
        slots = pair.tracker(sender)["slots"]
        assert slots["pain_radiation"] == "none"
        assert slots["requested_slot"] not in (None, asked)
        slots = pair.finish(sender)
        assert slots["triage_level"] == "stop_and_reassess"
        assert slots["triage_reasons"] == ["persists_beyond_72h"]
    finally:
        pair.stop()


@pytest.mark.server
def test_a_conversation_survives_restarts_on_sqlite(tmp_path):
    play_through_a_restart(tmp_path, f"sqlite:///{tmp_path / 'tracker.db'}")


@pytest.mark.postgres
def test_a_conversation_survives_restarts_on_postgresql(tmp_path):
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run inside scripts/postgres.sh (make test-postgres)", pytrace=False)
    play_through_a_restart(tmp_path, url)
