"""The Slack channel against the real Rasa server and a local fake Slack Web API.

Slack's connector answers the webhook at once and handles the message in the
background, so each test waits (with a deadline) for the call at the fake.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode

import pytest

pytest.register_assert_rewrite("tests.channels.conftest_chat", "tests.channels.fakes")

from tests.channels.conftest_chat import Rasa, http, wait_until
from tests.channels.fakes import FakeSlackAPI

pytest_plugins = ["tests.channels.conftest_chat"]
pytestmark = pytest.mark.server

PORT = 5405
TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"
WEBHOOK = f"http://127.0.0.1:{PORT}/webhooks/slack/webhook"
FIRST_MESSAGE = "my lower back hurts"
YES_NO = ["/affirm", "/deny", "/not_sure"]


@pytest.fixture(scope="module")
def fake_slack():
    fake = FakeSlackAPI(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def rasa(action_server, fake_slack, tmp_path_factory):
    server = Rasa(
        PORT,
        tmp_path_factory.mktemp("slack"),
        {"SLACK_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
         "SLACK_API_URL": fake_slack.api_url},
    ).start()
    yield server
    server.stop()


def user() -> tuple[str, str]:
    """A new Slack user id and the id of their direct-message channel with the bot."""
    suffix = uuid.uuid4().hex[:8].upper()
    return f"U{suffix}", f"D{suffix}"


def signature(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post(body: bytes, content_type: str, *, timestamp: str | None = None,
         secret: str = SIGNING_SECRET, signed: bool = True, headers: dict | None = None):
    timestamp = timestamp or str(int(time.time()))
    sent = {"Content-Type": content_type, **(headers or {})}
    if signed:
        sent["X-Slack-Request-Timestamp"] = timestamp
        sent["X-Slack-Signature"] = signature(body, timestamp, secret)
    return http().post(WEBHOOK, data=body, headers=sent, timeout=30)


def message_event(user_id: str, channel: str, text: str, event_id: str | None = None) -> bytes:
    """An Events API ``message`` from a user in a direct message with the bot."""
    now = time.time()
    return json.dumps({
        "token": "unused", "team_id": "T0TEST", "api_app_id": "A0TEST",
        "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
        "event_time": int(now),
        "authorizations": [{"team_id": "T0TEST", "user_id": "UBOT", "is_bot": True}],
        "event": {"type": "message", "channel": channel, "channel_type": "im", "user": user_id,
                  "text": text, "ts": f"{now:.6f}", "event_ts": f"{now:.6f}"},
    }).encode()


def button_click(fake: FakeSlackAPI, user_id: str, channel: str, question: dict, value: str) -> bytes:
    """An interactive ``block_actions`` payload for a click on ``question``'s button."""
    button = next(e for e in question["blocks"][1]["elements"] if e["value"] == value)
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "runner", "team_id": "T0TEST"},
        "team": {"id": "T0TEST"},
        "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": False},
        "message": {"type": "message", "text": question["text"], "ts": "1700000000.000200",
                    "blocks": question["blocks"]},
        "response_url": fake.response_url(channel),
        "actions": [{**button, "block_id": question["blocks"][1]["block_id"],
                     "action_ts": f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def ask_first_question(rasa: Rasa, fake: FakeSlackAPI, user_id: str, channel: str) -> dict:
    """Start an assessment; return the parameters of the first question with buttons."""
    answer = post(message_event(user_id, channel, FIRST_MESSAGE), "application/json")
    assert answer.status_code == 200, answer.text
    with_buttons = lambda call: fake.posted_to(channel)(call) and "blocks" in call.params  # noqa: E731
    return fake.wait_for(with_buttons, timeout=60)[0].params


def test_a_signed_message_gets_the_reply_through_the_web_api(rasa, fake_slack):
    user_id, channel = user()
    question = ask_first_question(rasa, fake_slack, user_id, channel)

    replies = fake_slack.matching(fake_slack.posted_to(channel))
    assert replies[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "Backstride" in replies[0].params["text"]
    # The conversation is the Slack user's (conversation_granularity: sender).
    rasa.wait_for_slots(user_id, lambda slots: slots["requested_slot"] == "emergency_signs")
    assert [e["text"] for e in rasa.conversation_events(user_id) if e["event"] == "user"] == [FIRST_MESSAGE]
    assert "as_user" not in question


def test_a_yes_no_question_goes_out_as_block_kit_buttons(rasa, fake_slack):
    user_id, channel = user()
    question = ask_first_question(rasa, fake_slack, user_id, channel)

    section, actions = question["blocks"]
    assert section["type"] == "section" and section["text"]["text"].startswith("First a safety check")
    assert question["text"].startswith("First a safety check")  # notification fallback
    assert actions["type"] == "actions"
    assert [b["type"] for b in actions["elements"]] == ["button"] * 3
    assert [b["value"] for b in actions["elements"]] == YES_NO
    assert [b["text"]["text"] for b in actions["elements"]] == ["Yes", "No", "Not sure"]
    assert len({b["action_id"] for b in actions["elements"]}) == 3


@pytest.mark.parametrize("forgery", ["wrong_secret", "no_signature", "stale_timestamp", "bad_signature"])
def test_a_forged_or_replayed_request_gets_no_reply_and_no_tracker_event(rasa, fake_slack, forgery):
    user_id, channel = user()
    body = message_event(user_id, channel, FIRST_MESSAGE)
    if forgery == "wrong_secret":
        answer = post(body, "application/json", secret="not-the-secret")
    elif forgery == "no_signature":
        answer = post(body, "application/json", signed=False)
    elif forgery == "stale_timestamp":  # correctly signed, but 6 minutes old
        answer = post(body, "application/json", timestamp=str(int(time.time()) - 360))
    else:
        timestamp = str(int(time.time()))
        answer = post(body, "application/json", signed=False, headers={
            "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + "0" * 64})

    assert answer.status_code == 400
    assert fake_slack.stays_without(fake_slack.posted_to(channel), seconds=2)
    assert rasa.conversation_events(user_id) == []


def test_a_forged_button_click_is_refused(rasa, fake_slack):
    user_id, channel = user()
    question = {"text": "q", "blocks": [{}, {"block_id": "b", "elements": [
        {"type": "button", "action_id": "answer_0", "value": "/affirm", "text": {"type": "plain_text", "text": "Yes"}}]}]}
    answer = post(button_click(fake_slack, user_id, channel, question, "/affirm"),
                  "application/x-www-form-urlencoded", secret="not-the-secret")

    assert answer.status_code == 400
    assert rasa.conversation_events(user_id) == []


def test_a_button_click_answers_the_form(rasa, fake_slack):
    user_id, channel = user()
    question = ask_first_question(rasa, fake_slack, user_id, channel)
    rasa.wait_for_slots(user_id, lambda slots: slots["requested_slot"] == "emergency_signs")
    before = len(fake_slack.matching(fake_slack.posted_to(channel)))

    answer = post(button_click(fake_slack, user_id, channel, question, "/affirm"),
                  "application/x-www-form-urlencoded")
    assert answer.status_code == 200, answer.text

    # The reply to the click arrives, and the form has moved on from the question.
    fake_slack.wait_for(fake_slack.posted_to(channel), timeout=60, count=before + 1)
    slots = rasa.wait_for_slots(user_id, lambda slots: slots["requested_slot"] != "emergency_signs")
    assert slots["emergency_signs"] is True
    assert slots["triage_level"] == "emergency"
    # The clicked question was rewritten without buttons, showing the answer.
    rewrite = fake_slack.wait_for(lambda c: c.path == f"/respond/{channel}", timeout=30)[0].params
    assert rewrite["replace_original"] is True
    assert [b["type"] for b in rewrite["blocks"]] == ["section", "context"]
    assert "Yes" in rewrite["blocks"][1]["elements"][0]["text"]


def test_a_retried_delivery_is_handled_once(rasa, fake_slack):
    user_id, channel = user()
    question_to = lambda call: fake_slack.posted_to(channel)(call) and "blocks" in call.params  # noqa: E731
    body = message_event(user_id, channel, FIRST_MESSAGE)
    assert post(body, "application/json").status_code == 200
    fake_slack.wait_for(question_to, timeout=60)

    retry = post(body, "application/json",
                 headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert retry.status_code == 200
    with pytest.raises(AssertionError):  # no second copy of the question
        fake_slack.wait_for(question_to, timeout=2, count=2)
    user_events = lambda: [e for e in rasa.conversation_events(user_id) if e["event"] == "user"]  # noqa: E731
    wait_until(user_events, 30, "the first delivery in the tracker")
    assert len(user_events()) == 1


def test_a_mention_in_a_shared_channel_is_not_served(rasa, fake_slack):
    user_id, _ = user()
    body = json.loads(message_event(user_id, "C0SHARED", f"<@UBOT> {FIRST_MESSAGE}"))
    body["event"].update(type="app_mention", channel_type="channel")
    assert post(json.dumps(body).encode(), "application/json").status_code == 200
    assert fake_slack.stays_without(fake_slack.posted_to("C0SHARED"), seconds=2)
    assert rasa.conversation_events(user_id) == []


def test_the_url_verification_challenge_is_echoed_only_when_signed(rasa):
    body = json.dumps({"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    answer = post(body, "application/json")
    assert answer.status_code == 200
    assert answer.text == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    assert post(body, "application/json", secret="not-the-secret").status_code == 400


def test_a_check_in_offered_after_stop_and_reassess_is_pushed_to_the_conversation(rasa, fake_slack):
    """Slack can write first: the check-in reminder's question arrives without a message from the runner
    (after BACKSTRIDE_CHECKIN_DELAY_SECONDS, a few seconds under scripts/with_servers.sh)."""
    user_id, channel = user()
    answers = {"pain_radiation": "it stays in my back", "pain_severity": "3"}
    opener = message_event(user_id, channel, "my lower back has hurt for 2 days and it gets worse as I run")
    assert post(opener, "application/json").status_code == 200
    asked = None
    for _ in range(16):  # Slack answers at once and handles the message after: wait for each turn
        slots = rasa.wait_for_slots(
            user_id, lambda s: s["triage_level"] or s["requested_slot"] not in (None, asked), timeout=60)
        if slots["triage_level"]:
            break
        asked = slots["requested_slot"]
        assert post(message_event(user_id, channel, answers.get(asked, "no")), "application/json").status_code == 200
    assert slots["triage_level"] == "stop_and_reassess"
    offered = lambda c: fake_slack.posted_to(channel)(c) and "check in with you" in c.params.get("text", "")  # noqa: E731
    offer = fake_slack.wait_for(offered, timeout=30)[0].params

    click = button_click(fake_slack, user_id, channel, offer, "/affirm")
    assert post(click, "application/x-www-form-urlencoded").status_code == 200
    pushed = fake_slack.wait_for(
        lambda c: fake_slack.posted_to(channel)(c) and c.params.get("text", "").startswith("Checking in, as promised"),
        timeout=60)
    assert "lower back, stop and reassess" in pushed[0].params["text"]
    rasa.wait_for_slots(user_id, lambda s: s["requested_slot"] == "progress", timeout=60)
