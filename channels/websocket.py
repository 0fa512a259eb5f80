"""The socket.io channel of the web widget: Rasa's own, with checked events and the reply guard.

Loaded from credentials.yml as ``channels.websocket.BackstrideSocketIOInput:``
(same settings as Rasa's ``socketio:``); its name stays ``socketio``, so the
path stays ``/socket.io/``.

Rasa's handler trusts the client: an event whose data is not an object, or
whose message is not text, fails inside the handler, and a message without a
session id is dropped with only a server-side warning, so the runner waits for
an answer that never comes. Here each of these gets a short reply saying so.

The session id names the conversation, and with ``session_persistence`` the
client chooses it. Rasa's server issues ``uuid4().hex`` ids; only ids of that
shape are accepted, so a web client cannot write into (or ask "what do you
know about me" in) a Slack or Telegram runner's conversation, whose ids are
a user id (``U...``) or a chat number. A ``session_request`` with any other
id is answered with a fresh one.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from backstride.prompts import unreadable_message
from channels.guard import guarded

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[0-9a-f]{32}")
#: As in channels.rest: far above any real message.
MAX_MESSAGE_CHARS = 20_000


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


class BackstrideSocketIOInput(SocketIOInput):
    """``socketio``: Rasa's socket.io channel with checked events and the reply guard."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(guarded(on_new_message))
        sio = self.sio
        namespace = self.namespace or "/"
        rasa_message = sio.handlers[namespace][self.user_message_evt]
        rasa_session_request = sio.handlers[namespace]["session_request"]

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not valid_session_id(session_id):
                session_id = uuid.uuid4().hex
            await rasa_session_request(sid, {"session_id": session_id})

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            problem = self._problem(data)
            if problem:
                logger.warning("Refused a socket.io message: %s.", problem)
                await sio.emit(self.bot_message_evt, {"text": unreadable_message()},
                               room=sid, namespace=self.namespace)
                return
            await rasa_message(sid, data)

        return socketio_webhook

    def _problem(self, data: Any) -> Optional[Text]:
        """Why an incoming message cannot be handled, or None."""
        if not isinstance(data, dict):
            return "the event's data is not an object"
        message = data.get("message", "")
        if not isinstance(message, str):
            return "the message is not text"
        if len(message) > MAX_MESSAGE_CHARS:
            return f"the message is longer than {MAX_MESSAGE_CHARS} characters"
        if self.session_persistence and not valid_session_id(data.get("session_id")):
            return "no valid session id (send session_request first)"
        metadata = data.get(self.metadata_key)
        if isinstance(metadata, str):  # Rasa parses text metadata as JSON
            try:
                metadata = json.loads(metadata)
            except ValueError:
                return "the metadata is text but not JSON"
        if metadata is not None and not isinstance(metadata, dict):
            return "the metadata is not an object"
        return None
