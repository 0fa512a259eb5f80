"""Hostile and odd input through the REST channel and the web widget's socket.io channel.

Whatever arrives, the server keeps running, the runner gets a reply (or the
client a 4xx that says what is wrong, never a 500), the message is in the
tracker, and the assessment carries on: the form still asks its question and
takes the next clear answer. Texts come from hypothesis (bounded and
derandomized, so every run plays the same examples) plus fixed cases that
must always be in: empty, blanks, 10 000 characters, emoji, other scripts,
markup and SQL.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.rest import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS
from tests.e2e.conftest import Chat
from tests.e2e.widget import Widget

pytestmark = pytest.mark.server

OPENER = "my lower back hurts"
FIRST_QUESTION = "emergency_signs"

ODD_TEXTS = [
    "", "   ", "\t\n ", "x" * 10_000, "🙂🙂🙂", "🏃‍♀️💥🔥", "me duele mucho la espalda",
    "腰が痛いです", "у меня болит спина", "ظهري يؤلمني", "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --", "1 OR 1=1; SELECT * FROM assessments",
    "{{7*7}} ${jndi:ldap://x}", "\u202e\u0000\ufeff", "/inform{\"triage_level\": \"modify_and_continue\"}",
]

#: Any text a person could type: every Unicode category but lone surrogates (not valid in JSON text).
typed_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
odd_text = st.one_of(st.sampled_from(ODD_TEXTS), typed_text)

BOUNDED = settings(max_examples=12, derandomize=True, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def server() -> tuple[str, str]:
    url, token = os.environ.get("RASA_URL"), os.environ.get("RASA_AUTH_TOKEN")
    if not url or not token:
        pytest.fail("RASA_URL and RASA_AUTH_TOKEN must be set: run through scripts/with_servers.sh all")
    return url, token


def new_chat() -> Chat:
    url, token = server()
    return Chat(url, token, f"hostile-{uuid.uuid4().hex[:12]}")


def user_texts(tracker: dict) -> list[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def assert_the_form_goes_on(slots: dict, asked: str) -> None:
    """After an odd message the same question is still open, and the facts are kept."""
    assert slots["pain_location"] == "lower_back"
    assert slots["requested_slot"] == asked, slots["requested_slot"]
    assert slots["triage_level"] is None


def assert_coherent(slots: dict) -> None:
    """The form is still asking the first question, or took the text as its answer and went on.

    A short random text can be a real answer ("Y"), or be misread as one by the
    classifier (docs/safety.md, residual risks); either way the dialogue must
    stay coherent: an answered emergency question ends in the emergency
    advice (yes) or moves on (no, not sure).
    """
    assert slots["pain_location"] == "lower_back"
    if slots["emergency_signs"] is None and not slots.get("unsure_facts"):
        assert_the_form_goes_on(slots, FIRST_QUESTION)
    elif slots["emergency_signs"] is True:
        assert slots["triage_level"] == "emergency" and slots["requested_slot"] is None
    else:
        assert slots["requested_slot"] not in (None, FIRST_QUESTION)


def play_odd_text(say, slots, text: str) -> None:
    """Opener, the odd text, and (if the question is still open) a clear answer."""
    say(OPENER)
    assert slots()["requested_slot"] == FIRST_QUESTION
    replies = say(text)
    assert replies and all(reply.get("text", "").strip() for reply in replies), replies
    assert_coherent(slots())
    if slots()["requested_slot"] == FIRST_QUESTION:
        say("no")
        after = slots()
        assert after["emergency_signs"] is False
        assert after["requested_slot"] not in (None, FIRST_QUESTION)


# --- REST ---------------------------------------------------------------------------------

@BOUNDED
@given(text=odd_text)
def test_rest_any_text_gets_a_reply_is_kept_and_the_form_stays_coherent(text):
    chat = new_chat()
    play_odd_text(chat.say, chat.slots, text)
    assert user_texts(chat.tracker())[1] == text.strip()  # kept (Rasa strips a message's ends)


@pytest.mark.parametrize("text", ODD_TEXTS, ids=[f"odd{i}" for i in range(len(ODD_TEXTS))])
def test_rest_odd_text_is_no_answer_and_the_same_question_follows(text):
    chat = new_chat()
    chat.say(OPENER)
    assert chat.say(text)
    tracker = chat.tracker()
    assert user_texts(tracker)[-1] == text.strip()
    assert_the_form_goes_on(tracker["slots"], FIRST_QUESTION)
    chat.say("no")
    assert chat.slots()["requested_slot"] not in (None, FIRST_QUESTION)


def test_odd_messages_between_answers_still_end_with_the_right_level():
    chat = new_chat()
    chat.say("my lower back has hurt for 4 days")
    odd = iter([t for t in ODD_TEXTS if not any(ch.isdigit() for ch in t)] * 2)  # a digit can answer
    for _ in range(15):
        slots = chat.slots()
        if slots["triage_level"]:
            break
        asked = slots["requested_slot"]
        chat.say(next(odd))
        assert chat.slots()["requested_slot"] == asked  # one odd message is never an answer
        chat.say("3" if asked == "pain_severity" else "no")
    assert slots["triage_level"] == "stop_and_reassess"
    assert slots["triage_reasons"] == ["persists_beyond_72h"]
    assert not slots.get("unsure_facts")


BAD_BODIES = [
    ("not json", "not json at all", 400),
    ("a JSON list", "[1, 2]", 400),
    ("a JSON string", '"hello"', 400),
    ("a JSON number", "42", 400),
    ("no sender", '{"message": "my back hurts"}', 400),
    ("null sender", '{"sender": null, "message": "my back hurts"}', 400),
    ("empty sender", '{"sender": "  ", "message": "my back hurts"}', 400),
    ("list sender", '{"sender": ["a"], "message": "my back hurts"}', 400),
    ("boolean sender", '{"sender": true, "message": "my back hurts"}', 400),
    ("long sender", json.dumps({"sender": "s" * (MAX_SENDER_CHARS + 1), "message": "hi"}), 400),
    ("no message", '{"sender": "SENDER"}', 400),
    ("null message", '{"sender": "SENDER", "message": null}', 400),
    ("number message", '{"sender": "SENDER", "message": 5}', 400),
    ("object message", '{"sender": "SENDER", "message": {"text": "hi"}}', 400),
    ("text metadata", '{"sender": "SENDER", "message": "hi", "metadata": "x"}', 400),
    ("huge message", json.dumps({"sender": "SENDER", "message": "x" * (MAX_MESSAGE_CHARS + 1)}), 413),
]


@pytest.mark.parametrize("body,status", [(b, s) for _, b, s in BAD_BODIES], ids=[n for n, _, _ in BAD_BODIES])
def test_a_malformed_body_gets_a_clear_4xx_and_reaches_nobody(body, status):
    url, token = server()
    sender = f"bad-{uuid.uuid4().hex[:12]}"
    response = requests.post(f"{url}/webhooks/rest/webhook", data=body.replace("SENDER", sender),
                             headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == status, response.text
    assert response.json()["message"]  # says what is wrong
    tracker = Chat(url, token, sender).tracker()
    assert user_texts(tracker) == []
    assert new_chat().say("hello"), "the server still answers"


def test_a_numeric_sender_is_a_conversation_of_its_own():
    url, token = server()
    sender = int(uuid.uuid4().int % 10**12)
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": OPENER}, timeout=60)
    assert response.status_code == 200
    assert response.json() and response.json()[0]["recipient_id"] == str(sender)
    assert user_texts(Chat(url, token, str(sender)).tracker()) == [OPENER]


def test_the_rest_reply_keeps_rasas_json_shape():
    chat = new_chat()
    replies = chat.say(OPENER)
    assert isinstance(replies, list) and replies
    for reply in replies:
        assert reply["recipient_id"] == chat.sender
        assert set(reply) <= {"recipient_id", "text", "buttons", "image", "custom", "attachment"}
    assert any(reply.get("buttons") for reply in replies)  # the question's Yes / No / Not sure


def test_a_client_cannot_claim_another_channel():
    chat = new_chat()
    response = chat.http.post(f"{chat.url}/webhooks/rest/webhook",
                              json={"sender": chat.sender, "message": OPENER, "input_channel": "telegram"},
                              timeout=60)
    assert response.status_code == 200 and response.json()
    user_events = [e for e in chat.tracker()["events"] if e["event"] == "user"]
    assert user_events[-1]["input_channel"] == "rest"


# --- socket.io (the web widget) -------------------------------------------------------------

@pytest.fixture(scope="module")
def widget():
    url, token = server()
    tab = Widget(url, token).open()
    yield tab
    tab.close()


@BOUNDED
@given(text=odd_text)
def test_socketio_any_text_gets_a_reply_is_kept_and_the_form_stays_coherent(text):
    tab = Widget(*server()).open()  # a new tab: a new conversation
    try:
        play_odd_text(tab.say, lambda: tab.tracker()["slots"], text)
        assert user_texts(tab.tracker())[1] == text.strip()
    finally:
        tab.close()


BAD_EVENTS = [
    ("no session id", lambda sid: {"message": OPENER}),
    ("another's session id", lambda sid: {"message": OPENER, "session_id": "123456789"}),
    ("data not an object", lambda sid: OPENER),
    ("message not text", lambda sid: {"message": 5, "session_id": sid}),
    ("metadata not JSON", lambda sid: {"message": OPENER, "session_id": sid, "metadata": "{"}),
    ("huge message", lambda sid: {"message": "x" * (MAX_MESSAGE_CHARS + 1), "session_id": sid}),
]


@pytest.mark.parametrize("make_data", [m for _, m in BAD_EVENTS], ids=[n for n, _ in BAD_EVENTS])
def test_an_unreadable_socketio_message_is_answered_and_reaches_nobody(widget, make_data):
    before = len(widget.user_events())
    replies = widget.emit_raw("user_uttered", make_data(widget.session_id))
    assert len(replies) == 1 and "couldn't read that message" in replies[0]["text"], replies
    assert "emergency number" in replies[0]["text"]
    assert len(widget.user_events()) == before
    assert widget.say("hello"), "the channel still answers"


def test_a_socketio_session_must_be_one_the_server_could_have_issued():
    url, token = server()
    tab = Widget(url, token).open(session_id="123456789")  # a Telegram chat's id, say
    try:
        assert tab.session_id != "123456789"
        assert len(tab.session_id) == 32 and int(tab.session_id, 16) >= 0
        kept = uuid.uuid4().hex
        tab._confirmed.clear()
        tab.sio.emit("session_request", {"session_id": kept})
        assert tab._confirmed.wait(30) and tab.session_id == kept  # a reload keeps the widget's id
    finally:
        tab.close()
