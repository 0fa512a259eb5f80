"""The Telegram channel against the real Rasa server and a local fake Bot API.

The webhook handles an update before it answers, so a reply is at the fake
by the time the POST returns; waits still have deadlines.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest

pytest.register_assert_rewrite("tests.channels.conftest_chat", "tests.channels.fakes")

from tests.channels.conftest_chat import Rasa, http  # noqa: E402
from tests.channels.fakes import FakeTelegramAPI  # noqa: E402

pytest_plugins = ["tests.channels.conftest_chat"]
pytestmark = pytest.mark.server

PORT = 5406
TOKEN = "123456:TEST-bot-token_for-backstride"
SECRET = "test_secret-TOKEN_0123456789"
PUBLIC_URL = "https://bot.example.org/webhooks/telegram/webhook"
WEBHOOK = f"http://127.0.0.1:{PORT}/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_MESSAGE = "my lower back hurts"

_ids = itertools.count(int(time.time()) % 100000 * 1000)


@pytest.fixture(scope="module")
def fake_telegram():
    fake = FakeTelegramAPI(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def rasa(action_server, fake_telegram, tmp_path_factory):
    server = Rasa(
        PORT,
        tmp_path_factory.mktemp("telegram"),
        {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET,
         "TELEGRAM_WEBHOOK_URL": PUBLIC_URL, "TELEGRAM_API_URL": fake_telegram.url},
    ).start()
    yield server
    server.stop()


def chat_id() -> int:
    return next(_ids)


def text_update(chat: int, text: str) -> dict:
    person = {"id": chat, "is_bot": False, "first_name": "Runner"}
    return {"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": int(time.time()), "from": person,
        "chat": {**person, "type": "private"}, "text": text}}


def button_tap(chat: int, question: dict, data: str) -> dict:
    """A ``callback_query`` for a tap on the button ``data`` of the sent ``question``."""
    person = {"id": chat, "is_bot": False, "first_name": "Runner"}
    return {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "from": person, "chat_instance": "42", "data": data,
        "message": {"message_id": 5001, "date": int(time.time()), "chat": {**person, "type": "private"},
                    "from": FakeTelegramAPI.BOT_USER, "text": question["text"],
                    "reply_markup": {"inline_keyboard": keyboard_of(question)}}}}


def keyboard_of(sent: dict) -> list:
    """The inline keyboard of the parameters of a ``sendMessage``."""
    return json.loads(sent["reply_markup"])["inline_keyboard"]


def post(update: dict, secret: str | None = SECRET):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return http().post(WEBHOOK, json=update, headers=headers, timeout=60)


def ask_first_question(fake: FakeTelegramAPI, chat: int) -> dict:
    answer = post(text_update(chat, FIRST_MESSAGE))
    assert answer.status_code == 200, answer.text
    with_keyboard = lambda call: fake.sent_to(chat)(call) and "reply_markup" in call.params  # noqa: E731
    return fake.wait_for(with_keyboard, timeout=30)[0].params


def test_the_webhook_is_registered_with_the_secret_token(rasa, fake_telegram):
    registration = fake_telegram.wait_for(fake_telegram.called("setWebhook"), timeout=10)[0]
    assert registration.params["url"] == PUBLIC_URL
    assert registration.params["secret_token"] == SECRET
    assert "callback_query" in registration.params["allowed_updates"]


def test_an_update_with_the_secret_gets_a_reply_with_an_inline_keyboard(rasa, fake_telegram):
    chat = chat_id()
    question = ask_first_question(fake_telegram, chat)

    first = fake_telegram.matching(fake_telegram.sent_to(chat))[0]
    assert "Backstride" in first.params["text"]
    assert question["text"].startswith("First a safety check")
    buttons = keyboard_of(question)
    assert [[b["text"] for b in row] for row in buttons] == [["Yes", "No", "Not sure"]]
    assert [b["callback_data"] for b in buttons[0]] == ["/affirm", "/deny", "/not_sure"]
    # The conversation is the chat's; no getMe on every update, unlike Rasa's connector.
    rasa.wait_for_slots(str(chat), lambda slots: slots["requested_slot"] == "emergency_signs")
    assert fake_telegram.matching(fake_telegram.called("getMe")) == []


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET[:-1], SECRET + "x"])
def test_a_forged_update_is_refused_without_a_tracker_event(rasa, fake_telegram, secret):
    chat = chat_id()
    answer = post(text_update(chat, FIRST_MESSAGE), secret=secret)

    assert answer.status_code == 403
    assert fake_telegram.stays_without(fake_telegram.sent_to(chat), seconds=1)
    assert rasa.conversation_events(str(chat)) == []


def test_a_forged_button_tap_is_refused(rasa, fake_telegram):
    chat = chat_id()
    question = {"text": "q", "reply_markup": '{"inline_keyboard": [[{"text": "Yes", "callback_data": "/affirm"}]]}'}
    assert post(button_tap(chat, question, "/affirm"), secret="wrong").status_code == 403
    assert rasa.conversation_events(str(chat)) == []
    assert fake_telegram.matching(fake_telegram.called("answerCallbackQuery")) == []


def test_a_button_tap_answers_the_form(rasa, fake_telegram):
    chat = chat_id()
    question = ask_first_question(fake_telegram, chat)
    rasa.wait_for_slots(str(chat), lambda slots: slots["requested_slot"] == "emergency_signs")
    tap = button_tap(chat, question, "/affirm")

    assert post(tap).status_code == 200

    slots = rasa.wait_for_slots(str(chat), lambda slots: slots["requested_slot"] != "emergency_signs")
    assert slots["emergency_signs"] is True
    assert slots["triage_level"] == "emergency"
    fake_telegram.wait_for(lambda c: c.method == "answerCallbackQuery"
                           and c.params["callback_query_id"] == tap["callback_query"]["id"], timeout=10)
    # The question now shows the answer and has no keyboard left to tap.
    edit = fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and c.params.get("chat_id") == str(chat), timeout=10)[0]
    assert edit.params["text"].endswith("→ Yes") and "reply_markup" not in edit.params
    replies = fake_telegram.matching(fake_telegram.sent_to(chat))
    assert any(r.params["text"].startswith("🚨 Emergency") for r in replies)


def test_start_greets_and_groups_are_not_served(rasa, fake_telegram):
    chat = chat_id()
    assert post(text_update(chat, "/start")).status_code == 200
    assert "Backstride" in fake_telegram.wait_for(fake_telegram.sent_to(chat), timeout=30)[0].params["text"]

    group = -chat_id()
    update = text_update(group, FIRST_MESSAGE)
    update["message"]["chat"] = {"id": group, "type": "group", "title": "Club"}
    assert post(update).status_code == 200
    assert fake_telegram.matching(fake_telegram.sent_to(group)) == []
    assert rasa.conversation_events(str(group)) == []


def test_a_check_in_offered_after_stop_and_reassess_is_pushed_to_the_chat(rasa, fake_telegram):
    """Telegram can write first: the check-in reminder's question arrives without a message from the runner
    (after BACKSTRIDE_CHECKIN_DELAY_SECONDS, a few seconds under scripts/with_servers.sh)."""
    chat = chat_id()
    answers = {"pain_radiation": "it stays in my back", "pain_severity": "3"}
    assert post(text_update(chat, "my lower back has hurt for 2 days and it gets worse as I run")).status_code == 200
    for _ in range(16):
        slots = rasa.tracker(str(chat))["slots"]
        if slots["triage_level"]:
            break
        assert post(text_update(chat, answers.get(slots["requested_slot"], "no"))).status_code == 200
    assert slots["triage_level"] == "stop_and_reassess"
    offer = fake_telegram.wait_for(lambda c: fake_telegram.sent_to(chat)(c) and "check in with you" in c.params["text"],
                                   timeout=10)[0].params
    assert [b["callback_data"] for b in keyboard_of(offer)[0]] == ["/affirm", "/deny"]

    assert post(button_tap(chat, offer, "/affirm")).status_code == 200
    pushed = fake_telegram.wait_for(
        lambda c: fake_telegram.sent_to(chat)(c) and c.params["text"].startswith("Checking in, as promised"), timeout=60)
    assert "lower back, stop and reassess" in pushed[0].params["text"]
    fake_telegram.wait_for(lambda c: fake_telegram.sent_to(chat)(c) and "better, about the same, or worse" in c.params["text"],
                           timeout=10)
    rasa.wait_for_slots(str(chat), lambda slots: slots["requested_slot"] == "progress")  # saved after the replies
