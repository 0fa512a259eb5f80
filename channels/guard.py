"""Never leave a runner in silence.

Rasa 3.6 catches a custom action that fails (the action server is down, or an
action raised), logs it and carries on without a bot message: the runner who
has just described a warning sign would see nothing at all. Every channel the
project serves therefore hands Rasa a *guarded* ``on_new_message``: it watches
what the assistant sends for the message and, if the turn ends with no reply
at all (or fails outright), sends one safe message: what to do now if an
emergency sign is present, and to try again shortly. The text is kept with the
other texts (``backstride/prompts.yml``, ``no_reply``).

The action server's ``/health`` is deliberately not asked: a server that
answers ``/health`` can still fail an action, and the runner needs the same
advice either way; the server log names the failure.

Used by ``channels.rest``, ``channels.websocket``, ``channels.slack`` and
``channels.telegram``.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from backstride.prompts import no_reply

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class ReplyCounter:
    """Counts the replies sent through one message's output channel.

    The output channel is made per message by every channel, so wrapping its
    ``send_response`` (the one method Rasa's processor sends through) on the
    instance changes nothing for any other message, and keeps the object's
    type: Rasa and the REST channel still see the same collector.
    """

    def __init__(self, output: OutputChannel) -> None:
        self.output = output
        self.sent = 0
        self._send = output.send_response

        async def send_response(recipient_id: Text, message: Dict[Text, Any]) -> None:
            self.sent += 1
            await self._send(recipient_id, message)

        output.send_response = send_response  # type: ignore[method-assign]

    async def send_safe_message(self, recipient_id: Text) -> None:
        await self._send(recipient_id, {"text": no_reply()})


def guarded(on_new_message: OnNewMessage) -> OnNewMessage:
    """``on_new_message`` that sends the safe message when a turn produced no reply."""

    async def handle(message: UserMessage) -> Any:
        counter = ReplyCounter(message.output_channel)
        result = None
        try:
            result = await on_new_message(message)
        except Exception:  # the channel's own handler would only log it too
            logger.exception("The assistant failed on a message from %s.", message.input_channel)
        if counter.sent == 0:
            logger.error(
                "No reply to a message on %s (is the action server up?); sent the safe message.",
                message.input_channel,
            )
            try:
                await counter.send_safe_message(message.sender_id)
            except Exception:
                logger.exception("Could not send the safe message on %s.", message.input_channel)
        return result

    return handle
