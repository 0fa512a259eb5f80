"""The reply guard (channels/guard.py) on Rasa's own output channels, without a server
(tests/e2e/test_faults.py plays it with real servers and a real action-server outage)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from backstride.prompts import no_reply
from channels.guard import action_server_health_url, guarded


async def up() -> bool:
    return True


async def down() -> bool:
    return False


def run(handler, text: str = "my back hurts", is_up=up) -> CollectingOutputChannel:
    collector = CollectingOutputChannel()
    asyncio.run(guarded(handler, is_up)(UserMessage(text, collector, "runner-1", input_channel="rest")))
    return collector


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
        await message.output_channel.send_response(message.sender_id, {"text": "Sorry, I didn't understand that."})

    assert [m["text"] for m in run(rules_only, is_up=down).messages] == [no_reply()]


def test_replies_go_out_as_they_are_sent():
    collector = CollectingOutputChannel()

    async def two_and_look(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Noted."})
        assert [m["text"] for m in collector.messages] == ["Noted."]  # out before the turn ends
        await message.output_channel.send_response(message.sender_id, {"text": "Where does it hurt?"})

    asyncio.run(guarded(two_and_look, up)(UserMessage("hi", collector, "runner-1")))
    assert [m["text"] for m in collector.messages] == ["Noted.", "Where does it hurt?"]


def test_without_rasa_running_there_is_no_health_url():
    assert action_server_health_url() is None


def test_the_holding_is_per_message():
    async def silent(message: UserMessage) -> None:
        return None

    handler = guarded(silent, up)
    first, second = CollectingOutputChannel(), CollectingOutputChannel()
    asyncio.run(handler(UserMessage("a", first, "one")))
    asyncio.run(handler(UserMessage("b", second, "two")))
    assert [m["recipient_id"] for m in first.messages + second.messages] == ["one", "two"]


@pytest.mark.parametrize("words", ["emergency number", "emergency department now", "again in a few minutes"])
def test_the_safe_message_says_what_to_do(words):
    assert words in no_reply()
