"""The reply guard (channels/guard.py) on Rasa's own output channels, without a server."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from backstride.prompts import no_reply
from channels.guard import guarded


def run(handler, text: str = "my back hurts") -> CollectingOutputChannel:
    collector = CollectingOutputChannel()
    asyncio.run(guarded(handler)(UserMessage(text, collector, "runner-1", input_channel="rest")))
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


def test_a_turn_that_failed_after_replying_gets_nothing_more():
    async def half(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Noted."})
        raise RuntimeError("late failure")

    assert [m["text"] for m in run(half).messages] == ["Noted."]


def test_the_counting_is_per_message():
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
