"""Never leave a runner in silence, nor with a reply made without the assistant's actions.

Rasa 3.6 catches a custom action that fails (the action server is down, or an
action raised), logs it and carries on: the runner either sees nothing at all
or a reply the rules made without the actions (seen: "Sorry, I didn't
understand that" to "my back hurts"), never the emergency advice that
``action_recommend`` would have given. Every channel the project serves
therefore hands Rasa a *guarded* ``on_new_message``, which watches the turn's
calls to the action server (``channels/action_calls.py``):

* once a call has failed (the action server is down or hung, an action
  raised, its answer was malformed), the turn still runs (so the message is
  stored) but its remaining replies are held back, and one safe message goes
  out instead: what to do now if an emergency sign is present, and to send the
  message again shortly. A turn that needs the action server calls it before
  it says anything of its own (the assessment, the form's next question, the
  recommendation), so an outage holds back all of it; what goes out before the
  first call is a reply that needs no action (an FAQ answer, the greeting
  before the form's first question). The facts are read in the Rasa server
  itself (``channels/local_actions.py``), so they are kept even then;
* otherwise the replies go out as Rasa sends them; should the turn still end
  with no reply at all, or fail, the safe message follows.

The message stays in the tracker and the form's question stays open, so the
conversation resumes where it was. The text is kept with the other texts
(``backstride/prompts.yml``, ``no_reply``). Knowing costs no request of its
own: the guard used to ask the action server's ``/health`` before every
message, a loopback round trip a turn (docs/performance.md).

Used by ``channels.rest``, ``channels.websocket``, ``channels.slack`` and
``channels.telegram``.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from backstride.prompts import no_reply
from channels import action_calls
from channels.action_calls import TurnWatch

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class WatchedReplies:
    """Counts the replies sent through one message's output channel, and holds back
    those that come after a failed call to the action server.

    The output channel is made per message by every channel, so replacing its
    ``send_response`` (the one method Rasa's processor sends through) on the
    instance changes nothing for any other message, and keeps the object's
    type: Rasa and the REST channel still see the same collector.
    """

    def __init__(self, output: OutputChannel, watch: TurnWatch) -> None:
        self.count = 0
        self.held = 0
        self._send = output.send_response

        async def send_response(recipient_id: Text, message: Dict[Text, Any]) -> None:
            self.count += 1
            if watch.failed:
                self.held += 1
            else:
                await self._send(recipient_id, message)

        output.send_response = send_response  # type: ignore[method-assign]

    async def send_safe_message(self, recipient_id: Text) -> None:
        await self._send(recipient_id, {"text": no_reply()})


def guarded(on_new_message: OnNewMessage) -> OnNewMessage:
    """``on_new_message`` that sends the safe message when a turn cannot go right (see above)."""
    action_calls.install()

    async def handle(message: UserMessage) -> Any:
        watch = action_calls.watch_turn()
        replies = WatchedReplies(message.output_channel, watch)
        result, failed = None, False
        try:
            result = await on_new_message(message)
        except Exception:  # the channel's own handler would only log it too
            logger.exception("The assistant failed on a message from %s.", message.input_channel)
            failed = True
        if watch.failed:
            problem = (
                f"a call to the action server failed ({', '.join(watch.failures)}; "
                f"{replies.held} reply(ies) held back)"
            )
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
