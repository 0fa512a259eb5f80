"""Never leave a runner in silence, nor with a reply made without the assistant's actions.

Rasa 3.6 catches a custom action that fails (the action server is down, or an
action raised), logs it and carries on: the runner either sees nothing at all
or a reply the rules made without the actions (seen: "Sorry, I didn't
understand that" to "my back hurts"), never the emergency advice that
``action_recommend`` would have given. Every channel the project serves
therefore hands Rasa a *guarded* ``on_new_message``. It holds back the turn's
replies until the turn ends, then:

* if the action server does not answer its ``/health`` (the URL is Rasa's own
  action endpoint with ``/health`` for ``/webhook``), it sends one safe message
  instead: what to do now if an emergency sign is present, and to send the
  message again shortly;
* if the turn produced no reply at all, or failed outright, it sends the same;
* otherwise it sends the replies as they came.

The message stays in the tracker and the form's question stays open, so the
conversation resumes where it was. The text is kept with the other texts
(``backstride/prompts.yml``, ``no_reply``). One loopback request per message
is the cost of knowing.

Used by ``channels.rest``, ``channels.websocket``, ``channels.slack`` and
``channels.telegram``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic
from sanic.exceptions import SanicException

from backstride.prompts import no_reply

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
IsUp = Callable[[], Awaitable[bool]]

#: Rasa's Sanic app, when more than one app exists in the process.
RASA_APP_NAME = "rasa_server"
HEALTH_TIMEOUT_SECONDS = 3.0


def action_server_health_url() -> Optional[Text]:
    """``/health`` beside the action endpoint Rasa itself calls, or None without one."""
    try:
        app = Sanic.get_app()
    except SanicException:
        try:
            app = Sanic.get_app(RASA_APP_NAME)
        except SanicException:
            return None
    endpoint = getattr(getattr(app.ctx, "agent", None), "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    if not url:
        return None
    return url.rstrip("/").rsplit("/", 1)[0] + "/health"


async def action_server_up() -> bool:
    """True if the action server answers its health check (or none is configured)."""
    url = action_server_health_url()
    if url is None:
        return True
    try:
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
            async with session.get(url) as response:
                return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


class HeldReplies:
    """Holds the replies sent through one message's output channel until the turn ends.

    The output channel is made per message by every channel, so replacing its
    ``send_response`` (the one method Rasa's processor sends through) on the
    instance changes nothing for any other message, and keeps the object's
    type: Rasa and the REST channel still see the same collector.
    """

    def __init__(self, output: OutputChannel) -> None:
        self.held: List[Tuple[Text, Dict[Text, Any]]] = []
        self._send = output.send_response

        async def hold(recipient_id: Text, message: Dict[Text, Any]) -> None:
            self.held.append((recipient_id, message))

        output.send_response = hold  # type: ignore[method-assign]

    async def release(self) -> None:
        for recipient_id, message in self.held:
            await self._send(recipient_id, message)

    async def send_safe_message(self, recipient_id: Text) -> None:
        await self._send(recipient_id, {"text": no_reply()})


def guarded(on_new_message: OnNewMessage, is_up: IsUp = action_server_up) -> OnNewMessage:
    """``on_new_message`` that sends the safe message when a turn went wrong (see above)."""

    async def handle(message: UserMessage) -> Any:
        replies = HeldReplies(message.output_channel)
        result, failed = None, False
        try:
            result = await on_new_message(message)
        except Exception:  # the channel's own handler would only log it too
            logger.exception("The assistant failed on a message from %s.", message.input_channel)
            failed = True
        problem = None
        if not await is_up():
            problem = "the action server does not answer its health check"
        elif failed or not replies.held:
            problem = "the turn produced no reply"
        try:
            if problem is None:
                await replies.release()
            else:
                logger.error("Sent the safe message on %s instead of %d reply(ies): %s.",
                             message.input_channel, len(replies.held), problem)
                await replies.send_safe_message(message.sender_id)
        except Exception:
            logger.exception("Could not send the replies on %s.", message.input_channel)
        return result

    return handle
