"""The reply guard (channels/guard.py) on Rasa's own output channels, without a Rasa server
(tests/e2e/test_faults.py plays it with real servers and a real action-server outage).
A failed call is a real ``RemoteAction`` call to a port where nothing listens."""

from __future__ import annotations

import asyncio
import socket

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from backstride.prompts import no_reply
from channels import action_calls
from channels.guard import guarded


def run(handler, text: str = "my back hurts") -> CollectingOutputChannel:
    collector = CollectingOutputChannel()
    asyncio.run(guarded(handler)(UserMessage(text, collector, "runner-1", input_channel="rest")))
    return collector


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def call_the_action_server(message: UserMessage) -> None:
    """A call a check turn makes before it says anything: the form's validation (here it fails)."""
    action = RemoteAction("validate_back_pain_form", EndpointConfig(f"http://127.0.0.1:{closed_port()}/webhook"))
    try:
        await action.run(message.output_channel, None, DialogueStateTracker(message.sender_id, []), Domain.empty())
    except RasaException:
        pass  # Rasa's slot extraction and processor catch it the same way
    finally:
        await action_calls.close_connections()


def test_a_turn_without_a_reply_gets_the_safe_message():
    async def silent(message: UserMessage) -> None:
        return None

    collector = run(silent)
    assert collector.messages == [{"recipient_id": "runner-1", "text": no_reply()}]


def test_a_turn_with_replies_is_left_alone():
    async def answers(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Where does it hurt?"})

    assert [m["text"] for m in run(answers).messages] == ["Where does it hurt?"]


def test_a_failing_turn_gets_the_safe_message_and_does_not_raise():
    async def fails(message: UserMessage) -> None:
        raise RuntimeError("tracker store unreachable")

    assert [m["text"] for m in run(fails).messages] == [no_reply()]


def test_a_turn_that_failed_midway_gets_the_safe_message_after_its_replies():
    async def half(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Noted."})
        raise RuntimeError("late failure")

    assert [m["text"] for m in run(half).messages] == ["Noted.", no_reply()]


def test_with_the_action_server_down_only_the_safe_message_goes_out():
    async def rules_only(message: UserMessage) -> None:  # what Rasa does without its actions
        await call_the_action_server(message)
        await message.output_channel.send_response(message.sender_id, {"text": "Sorry, I didn't understand that."})

    assert [m["text"] for m in run(rules_only).messages] == [no_reply()]


def test_replies_before_a_failed_call_go_out_and_the_rest_are_held():
    async def late_outage(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Noted."})
        await call_the_action_server(message)
        await message.output_channel.send_response(message.sender_id, {"text": "Sorry, I didn't understand that."})

    assert [m["text"] for m in run(late_outage).messages] == ["Noted.", no_reply()]


def test_a_failed_call_in_one_message_holds_nothing_back_in_the_next():
    async def outage(message: UserMessage) -> None:
        await call_the_action_server(message)
        await message.output_channel.send_response(message.sender_id, {"text": "Sorry, I didn't understand that."})

    async def answers(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Where does it hurt?"})

    assert [m["text"] for m in run(outage).messages] == [no_reply()]
    assert [m["text"] for m in run(answers).messages] == ["Where does it hurt?"]


def test_replies_go_out_as_they_are_sent():
    collector = CollectingOutputChannel()

    async def two_and_look(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Noted."})
        assert [m["text"] for m in collector.messages] == ["Noted."]  # out before the turn ends
        await message.output_channel.send_response(message.sender_id, {"text": "Where does it hurt?"})

    asyncio.run(guarded(two_and_look)(UserMessage("hi", collector, "runner-1")))
    assert [m["text"] for m in collector.messages] == ["Noted.", "Where does it hurt?"]


def test_the_holding_is_per_message():
    async def silent(message: UserMessage) -> None:
        return None

    handler = guarded(silent)
    first, second = CollectingOutputChannel(), CollectingOutputChannel()
    asyncio.run(handler(UserMessage("a", first, "one")))
    asyncio.run(handler(UserMessage("b", second, "two")))
    assert [m["recipient_id"] for m in first.messages + second.messages] == ["one", "two"]


@pytest.mark.parametrize("words", ["emergency number", "emergency department now", "again in a few minutes"])
def test_the_safe_message_says_what_to_do(words):
    assert words in no_reply()
