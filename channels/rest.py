"""The REST channel (the triage policy, section 7), Rasa's own with a checked body and the reply guard.

Loaded from credentials.yml as ``channels.rest.BackstrideRestInput:``; its
name stays ``rest``, so the URL stays ``POST /webhooks/rest/webhook`` and the
replies keep Rasa's JSON shape (a list of ``{"recipient_id", "text", ...}``).

Rasa's ``RestInput`` trusts the body: a JSON list or a number answers 500, a
message that is not text is dropped with an empty 200, and a missing sender
puts the message into the one conversation shared by everyone who left it
out (``default``). Here such a request gets a 4xx that says what is wrong,
and never reaches the assistant.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

from channels.guard import guarded

#: Rasa's SQL tracker store keeps the sender id in a VARCHAR(255).
MAX_SENDER_CHARS = 255
#: Far above any real description of back pain; keeps a request's parsing time bounded.
MAX_MESSAGE_CHARS = 20_000


def checked_body(request: Request) -> Dict[Text, Any]:
    """The request's JSON object with a usable ``sender`` and ``message``, or a 4xx."""
    body = request.json  # Sanic answers 400 itself when the body is not JSON
    if not isinstance(body, dict):
        raise InvalidUsage('The body must be a JSON object: {"sender": "...", "message": "..."}.')
    sender = body.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)) or not str(sender).strip():
        raise InvalidUsage('"sender" is required: a non-empty string that names the conversation.')
    if len(str(sender)) > MAX_SENDER_CHARS:
        raise InvalidUsage(f'"sender" is longer than {MAX_SENDER_CHARS} characters.')
    message = body.get("message")
    if not isinstance(message, str):
        raise InvalidUsage('"message" is required and must be a string (it may be empty).')
    if len(message) > MAX_MESSAGE_CHARS:
        raise PayloadTooLarge(f'"message" is longer than {MAX_MESSAGE_CHARS} characters.')
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidUsage('"metadata", if given, must be a JSON object.')
    return body


class BackstrideRestInput(RestInput):
    """``rest``: Rasa's REST channel with a checked body and the reply guard."""

    async def _extract_sender(self, request: Request) -> Optional[Text]:
        # Rasa reads the sender first: the whole body is checked here, once.
        return str(checked_body(request)["sender"])

    def _extract_input_channel(self, request: Request) -> Text:
        # Rasa takes the channel name from the body; a REST client cannot pass
        # itself off as Slack or Telegram (the name is part of stored keys).
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guarded(on_new_message))
