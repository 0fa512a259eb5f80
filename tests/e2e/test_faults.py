"""Faults with real servers: the action server down mid-assessment, the database unreachable at start.

Each test starts its own servers (Rasa on 5705, the action server on 5755) on
a tracker store it owns; ``MODEL`` (as for scripts/with_servers.sh) picks the
model, else models/backstride.tar.gz. The unreachable database is a
PostgreSQL URL on 127.0.0.1:5709, where nothing listens.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from pathlib import Path

import pytest

from backstride.prompts import no_reply
from backstride.store.migrate import upgrade
from tests.channels.conftest_chat import HOST, MODEL, RASA, ROOT, Server, _port_free, base_env, http
from tests.e2e.widget import Widget

pytestmark = pytest.mark.server

RASA_PORT, ACTIONS_PORT, NOBODY_PORT = 5705, 5755, 5709
PASSWORD = "pw-" + secrets.token_hex(8)
UNREACHABLE = f"postgresql://backstride:{PASSWORD}@127.0.0.1:{NOBODY_PORT}/backstride_faults"
WHERE = f"'backstride_faults' on 127.0.0.1:{NOBODY_PORT}"


def model() -> Path:
    return ROOT / os.environ.get("MODEL", str(MODEL))


def actions_server(env: dict[str, str], log: Path) -> Server:
    server = Server("action server", [RASA, "run", "actions", "--actions", "actions", "-p", str(ACTIONS_PORT)],
                    env, log)
    return server.start(f"http://{HOST}:{ACTIONS_PORT}/health", ACTIONS_PORT, 90)


def rasa_command(token: str) -> list[str]:
    return [RASA, "run", "-m", str(model()), "--enable-api", f"--auth-token={token}", "-p", str(RASA_PORT),
            "-i", HOST, "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]


class Conversation:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token, self.http = url, token, http()
        self.sender = f"fault-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> list[dict]:
        response = self.http.post(f"{self.url}/webhooks/rest/webhook",
                                  json={"sender": self.sender, "message": text}, timeout=90)
        assert response.status_code == 200, response.text
        return response.json()

    def tracker(self) -> dict:
        response = self.http.get(f"{self.url}/conversations/{self.sender}/tracker",
                                 params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()


def assert_safe_message(replies: list[dict]) -> None:
    assert [reply.get("text") for reply in replies] == [no_reply()], replies
    text = replies[0]["text"]
    assert "emergency number" in text and "emergency department now" in text
    assert "again in a few minutes" in text


def test_with_the_action_server_down_the_runner_gets_safe_advice_and_resumes_later(tmp_path):
    database = f"sqlite:///{tmp_path / 'tracker.db'}"
    upgrade(database)
    env = base_env(ACTIONS_PORT=str(ACTIONS_PORT), DATABASE_URL=database, BACKSTRIDE_ENV="test")
    token = secrets.token_urlsafe(16)
    actions = actions_server(env, tmp_path / "actions-1.log")
    rasa = Server("rasa", rasa_command(token), env, tmp_path / "rasa.log")
    try:
        rasa.start(f"http://{HOST}:{RASA_PORT}/status?token={token}", RASA_PORT, 240)
        chat = Conversation(f"http://{HOST}:{RASA_PORT}", token)
        chat.say("my lower back has hurt for 4 days")
        chat.say("no")
        before = chat.tracker()["slots"]
        assert before["requested_slot"] == "pain_radiation"

        actions.stop()
        assert_safe_message(chat.say("it stays in my back"))
        during = chat.tracker()
        assert [e["text"] for e in during["events"] if e["event"] == "user"][-1] == "it stays in my back"
        for slot in ("requested_slot", "pain_location", "pain_duration_days", "emergency_signs"):
            assert during["slots"][slot] == before[slot], slot
        assert during["active_loop"].get("name") == "back_pain_form"

        # A new runner on the web widget: Rasa's rules alone would answer "Sorry, I
        # didn't understand that", even to an emergency; the safe message goes out instead.
        tab = Widget(chat.url, token).open()
        try:
            assert_safe_message(tab.say("my back hurts"))
            assert_safe_message(tab.say("I can't control my bladder"))
        finally:
            tab.close()

        actions = actions_server(env, tmp_path / "actions-2.log")
        replies = chat.say("it stays in my back")
        assert replies and no_reply() not in [reply.get("text") for reply in replies]
        slots = chat.tracker()["slots"]
        assert slots["pain_radiation"] == "none"
        assert slots["requested_slot"] not in (None, "pain_radiation")
        for _ in range(15):
            if slots["triage_level"]:
                break
            chat.say("3" if slots["requested_slot"] == "pain_severity" else "no")
            slots = chat.tracker()["slots"]
        assert slots["triage_level"] == "stop_and_reassess"
        assert slots["triage_reasons"] == ["persists_beyond_72h"]
    finally:
        rasa.stop()
        actions.stop()


def test_rasa_stops_with_a_clear_error_when_the_database_is_unreachable(tmp_path):
    assert _port_free(NOBODY_PORT), f"something listens on {NOBODY_PORT}; the test needs it empty"
    env = base_env(DATABASE_URL=UNREACHABLE, BACKSTRIDE_DB_WAIT_SECONDS="3")
    log = tmp_path / "rasa.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(rasa_command("t"), cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        code = process.wait(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        pytest.fail("Rasa kept waiting for an unreachable database instead of stopping")
    text = log.read_text(errors="replace")
    assert code != 0
    assert f"Cannot reach the tracker store's database, postgresql database {WHERE}" in text, text[-3000:]
    assert PASSWORD not in text
    assert "InMemoryTrackerStore" not in text  # no silent fall-back


@pytest.mark.parametrize("script", ["scripts/with_servers.sh all -- true", "scripts/run.sh"])
def test_the_start_scripts_name_an_unreachable_database(script):
    env = base_env(DATABASE_URL=UNREACHABLE, TEST_DATABASE_URL=UNREACHABLE, RASA_PORT=str(RASA_PORT),
                   ACTIONS_PORT=str(ACTIONS_PORT), TEST_RASA_PORT=str(RASA_PORT),
                   TEST_ACTIONS_PORT=str(ACTIONS_PORT), RASA_AUTH_TOKEN="t")
    done = subprocess.run(script.split(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"127.0.0.1:{NOBODY_PORT}/backstride_faults" in output, output[-3000:]
    assert "is the database reachable" in output
    assert PASSWORD not in output
    assert _port_free(RASA_PORT) and _port_free(ACTIONS_PORT), "no server was started"
