"""Memory across visits, against the real servers: the welcome back, better / same / worse, and the check-in.

Each returning runner first has a real visit through the REST channel. The
servers' clock cannot be moved, so that visit's stored row is then moved back
in time, and the new session that Rasa would start after 6 quiet hours is
started through the HTTP API (``action_session_start``, as Rasa runs it).
The check-in delay is a few seconds here (``BACKSTRIDE_CHECKIN_DELAY_SECONDS``
in scripts/with_servers.sh); it is 48 hours by default.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import timedelta

import pytest
import socketio
from sqlalchemy import select, update

from backstride.followup import PROGRESS_QUESTION
from backstride.store import user_key
from backstride.store.engine import make_engine
from backstride.store.keys import key_secret
from backstride.store.models import Assessment

pytestmark = pytest.mark.server

#: What a runner answers to each question when nothing is wrong beyond what they said.
PLAIN_ANSWERS = {"pain_radiation": "it stays in my back", "pain_severity": "3", "pain_location": "lower back",
                 "pain_duration_days": "2 days"}
FIRST_VISIT = "my lower back has hurt for 2 days and it gets worse as I run"


def finish(chat, answers=PLAIN_ANSWERS, turns: int = 16) -> dict:
    for _ in range(turns):
        slots = chat.slots()
        if slots["triage_level"]:
            return slots
        chat.say(answers.get(slots["requested_slot"], "no"))
    raise AssertionError(f"no result after {turns} answers: {chat.slots()}")


def first_visit(chat, days_ago: float) -> None:
    """A real visit ending in 'stop and reassess', stored, then moved ``days_ago`` into the past."""
    chat.say(FIRST_VISIT)
    assert finish(chat)["triage_level"] == "stop_and_reassess"
    engine = make_engine(os.environ["DATABASE_URL"])
    key = user_key("rest", chat.sender, key_secret())
    try:
        with engine.begin() as connection:
            rows = connection.execute(select(Assessment.id, Assessment.created_at).where(Assessment.user_key == key)).all()
            for row_id, created_at in rows:
                connection.execute(update(Assessment).where(Assessment.id == row_id)
                                   .values(created_at=created_at - timedelta(days=days_ago)))
            moved = len(rows)
    finally:
        engine.dispose()
    assert moved == 1


def new_session(chat) -> list[str]:
    """What Rasa does when the runner writes after the session expired; returns what the bot said."""
    response = chat.http.post(f"{chat.url}/conversations/{chat.sender}/execute", params={"token": chat.token},
                              json={"name": "action_session_start"}, timeout=60)
    response.raise_for_status()
    return [message.get("text", "") for message in response.json()["messages"]]


def test_a_returning_runner_sees_the_last_check_and_worse_checks_again(chat):
    first_visit(chat, days_ago=3)
    assert new_session(chat) == ["Welcome back. Your last check with me was 3 days ago: lower back, stop and reassess."]
    assert chat.slots()["pain_location"] is None  # a new session starts empty
    assert chat.texts("hi") == [PROGRESS_QUESTION]
    assert chat.asking == "progress"

    replies = chat.texts("worse I'm afraid")
    assert "about 5 days" in replies[0]
    slots = chat.slots()
    assert slots["pain_duration_days"] == pytest.approx(5.0, abs=0.05)  # 2 days then + 3 days since
    assert slots["pain_location"] == "lower_back"
    assert slots["worse_during_run"] is None  # asked afresh, not carried over
    assert chat.tracker()["active_loop"].get("name") == "back_pain_form"

    slots = finish(chat)
    assert slots["triage_level"] == "stop_and_reassess"
    assert "persists_beyond_72h" in slots["triage_reasons"]


def test_pain_back_after_a_rest_counts_as_recurring_despite_rest(chat):
    first_visit(chat, days_ago=6)
    new_session(chat)
    chat.say("hello")
    chat.say("it went away after a few days off but came back on my first run")
    slots = finish(chat)
    assert slots["recurring_despite_rest"] is True
    assert slots["triage_level"] == "see_clinician"
    assert "recurs_despite_rest" in slots["triage_reasons"]


def test_better_ends_with_advice_and_no_new_check(chat):
    first_visit(chat, days_ago=2)
    new_session(chat)
    chat.say("hi")
    replies = chat.texts("much better thanks")
    assert "10%" in replies[0]
    slots = chat.slots()
    assert slots["triage_level"] is None and slots["requested_slot"] is None


def test_an_emergency_answer_to_the_progress_question_is_escalated_at_once(chat):
    first_visit(chat, days_ago=3)
    new_session(chat)
    chat.say("hi")
    replies = chat.texts("I can't feel anything around my groin")
    assert "Emergency" in replies[0]
    assert chat.slots()["triage_level"] == "emergency"


def test_a_runner_who_opens_with_new_pain_gets_a_fresh_check(chat):
    first_visit(chat, days_ago=10)
    new_session(chat)
    chat.say("my upper back between the shoulder blades hurts since yesterday")
    slots = chat.slots()
    assert slots["pain_location"] == "upper_back" and slots["pain_duration_days"] == pytest.approx(1.0)
    assert slots["requested_slot"] != "progress"


def test_a_new_sender_is_not_welcomed_back(chat):
    replies = chat.texts("hi")
    assert not any(reply.startswith("Welcome back") for reply in replies)


# --- the check-in over socket.io --------------------------------------------------------------

class SocketRunner:
    """A web-widget runner: socket.io with session persistence, as rasa-webchat speaks it."""

    def __init__(self, url: str) -> None:
        self.url, self.session_id = url, uuid.uuid4().hex
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self._on_bot)

    async def _on_bot(self, data: dict) -> None:
        await self.heard.put(data.get("text", ""))

    async def __aenter__(self) -> "SocketRunner":
        confirmed = asyncio.Event()
        self.client.on("session_confirm", lambda *_: confirmed.set())
        await self.client.connect(self.url, socketio_path="/socket.io/", transports=["polling"])
        await self.client.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        return self

    async def __aexit__(self, *_) -> None:
        await self.client.disconnect()

    async def say(self, text: str, quiet: float = 1.5, first_within: float = 60) -> list[str]:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        return await self.listen(first_within, quiet)

    async def listen(self, first_within: float, quiet: float = 1.5) -> list[str]:
        texts = [await asyncio.wait_for(self.heard.get(), first_within)]
        while True:
            try:
                texts.append(await asyncio.wait_for(self.heard.get(), quiet))
            except asyncio.TimeoutError:
                return texts


def test_a_check_in_offered_after_stop_and_reassess_comes_back_by_itself(chat):
    chat.sender = None  # the socket.io runner below has its own sender id (the session id)

    async def play() -> None:
        async with SocketRunner(os.environ["RASA_URL"]) as runner:
            chat.sender = runner.session_id
            await runner.say("my lower back has hurt for 2 days and it gets worse as I run")
            for _ in range(16):
                slots = chat.slots()
                if slots["triage_level"]:
                    break
                replies = await runner.say(PLAIN_ANSWERS.get(slots["requested_slot"], "no"))
            assert slots["triage_level"] == "stop_and_reassess"
            assert "check in with you" in replies[-1]

            started = time.monotonic()
            replies = await runner.say("/affirm")
            assert replies[0].startswith("Done: I'll ask how your back is")
            pushed = await runner.listen(first_within=30)
            assert pushed[0].startswith("Checking in, as promised. Your last check was earlier today: lower back")
            assert pushed[-1] == PROGRESS_QUESTION
            assert time.monotonic() - started >= 2  # after the delay, not with the answer

            replies = await runner.say("about the same")
            assert "keep to the plan" in replies[0]
            assert chat.slots()["checkin_offered"] is False

    asyncio.run(play())
