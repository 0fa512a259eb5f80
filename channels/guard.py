"""Never leave a runner in silence, nor with a reply made without the assistant's actions.

Rasa 3.6 catches a custom action that fails (the action server is down, or an
action raised), logs it and carries on: the runner either sees nothing at all
or a reply the rules made without the actions (seen: "Sorry, I didn't
understand that" to "my back hurts"), never the emergency advice that
``action_recommend`` would have given. Every channel the project serves
therefore hands Rasa a *guarded* ``on_new_message``. Before the turn it asks
the action server's ``/health`` (the URL is Rasa's own action endpoint with
``/health`` for ``/webhook``):

* if it does not answer, the turn still runs (so the message is stored) but
  its replies are held back, and one safe message goes out instead: what to
  do now if an emergency sign is present, and to send the message again
  shortly;
* if it answers, the replies go out as Rasa sends them; should the turn still
  end with no reply at all, or fail, the safe message follows.

The message stays in the tracker and the form's question stays open, so the
conversation resumes where it was. The text is kept with the other texts
(``backstride/prompts.yml``, ``no_reply``). One loopback request per message
is the cost of knowing; asking before the turn keeps the replies streaming
as Rasa sends them.

Used by ``channels.rest``, ``channels.websocket``, ``channels.slack`` and
``channels.telegram``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

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


class WatchedReplies:
    """Counts (or holds back) the replies sent through one message's output channel.

    The output channel is made per message by every channel, so replacing its
    ``send_response`` (the one method Rasa's processor sends through) on the
    instance changes nothing for any other message, and keeps the object's
    type: Rasa and the REST channel still see the same collector.
    """

    def __init__(self, output: OutputChannel, hold: bool) -> None:
        self.count = 0
        self._send = output.send_response

        async def send_response(recipient_id: Text, message: Dict[Text, Any]) -> None:
            self.count += 1
            if not hold:
                await self._send(recipient_id, message)

        output.send_response = send_response  # type: ignore[method-assign]

    async def send_safe_message(self, recipient_id: Text) -> None:
        await self._send(recipient_id, {"text": no_reply()})


def guarded(on_new_message: OnNewMessage, is_up: IsUp = action_server_up) -> OnNewMessage:
    """``on_new_message`` that sends the safe message when a turn cannot go right (see above)."""

    async def handle(message: UserMessage) -> Any:
        up = await is_up()
        replies = WatchedReplies(message.output_channel, hold=not up)
        result, failed = None, False
        try:
            result = await on_new_message(message)
        except Exception:  # the channel's own handler would only log it too
            logger.exception("The assistant failed on a message from %s.", message.input_channel)
            failed = True
        if not up:
            problem = f"the action server does not answer its health check ({replies.count} reply(ies) held back)"
        elif failed or replies.count == 0:
            problem = "the turn failed" if failed else "the turn produced no reply"
        else:
            return result
        logger.error("Sent the safe message on %s: %s.", message.input_channel, problem)
        try:
            await replies.send_safe_message(message.sender_id)
        except Exception:
            logger.exception("Could not send the safe message on %s.", message.input_channel)
        return result

    return handle
