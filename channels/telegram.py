"""Telegram, with the webhook made safe.

Rasa 3.6's ``TelegramInput`` takes any JSON posted to its URL as an update
from Telegram (its only check is a ``getMe`` call to the Bot API on every
update, which a forger passes), always talks to ``api.telegram.org``, and calls
``setWebhook`` in a throw-away event loop while the server is being built.
This channel keeps Rasa's output channel (aiogram 2.15) and replaces the input:

* every update must carry the ``X-Telegram-Bot-Api-Secret-Token`` header that
  Telegram sends when the webhook was registered with ``secret_token``; a
  wrong or missing one gets 403 and never reaches the assistant (constant-time
  comparison);
* the webhook is registered once the server has started (if ``webhook_url`` is
  set), with the secret token and only the updates the bot handles; no
  ``getMe`` calls;
* the Bot API base URL is configurable (``api_url``, else ``TELEGRAM_API_URL``,
  else Telegram's), so that tests can talk to a local fake;
* answer buttons go out as an inline keyboard; a tap (``callback_query``) is
  acknowledged, the question is edited to show the answer without buttons (an
  old question's "No" can then not answer a later one), and the button's
  payload goes to the assistant;
* only private chats are served (a health conversation does not belong in a
  group), edited messages are ignored (an edit would be read as the answer
  to whatever is being asked now), and Telegram's ``/start`` greets;
* the webhook answers 200 once an authentic update is handled, even if the
  assistant failed, so that Telegram does not deliver it again and again;
  a message the assistant leaves without any reply gets the safe message of
  ``channels/guard.py`` (emergency advice, try again shortly).

Credentials (see ``scripts/credentials.py`` and ``docs/channels.md``)::

    channels.telegram.BackstrideTelegramInput:
      access_token: ${TELEGRAM_TOKEN}
      secret_token: ${TELEGRAM_SECRET_TOKEN}
      webhook_url: ${TELEGRAM_WEBHOOK_URL}
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from aiogram.utils.exceptions import NetworkError, TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import guarded

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
API_URL_ENV = "TELEGRAM_API_URL"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's rule for ``secret_token``: 1-256 of these characters.
SECRET_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
#: The updates this channel handles; Telegram sends no others.
ALLOWED_UPDATES = ("message", "callback_query")
#: Telegram's limit on a button's ``callback_data``, in bytes.
MAX_CALLBACK_DATA = 64
#: Up to this many buttons share a row (Yes / No / Not sure); more get a row each.
BUTTONS_PER_ROW = 3
#: What Telegram sends when a user opens the bot, and what the assistant hears.
START_COMMAND, START_INTENT = "/start", "/greet"


def api_url_from(configured: Optional[Text]) -> Text:
    return configured or os.environ.get(API_URL_ENV) or DEFAULT_API_URL


def inline_keyboard(buttons: List[Dict[Text, Any]]) -> InlineKeyboardMarkup:
    usable = []
    for button in buttons:
        if len(button["payload"].encode("utf-8")) > MAX_CALLBACK_DATA:
            logger.error(
                "Telegram refuses callback data over %d bytes; leaving out the button %r.",
                MAX_CALLBACK_DATA,
                button["title"],
            )
            continue
        usable.append(InlineKeyboardButton(button["title"], callback_data=button["payload"]))
    markup = InlineKeyboardMarkup()
    if len(usable) <= BUTTONS_PER_ROW:
        markup.row(*usable)
    else:
        for button in usable:
            markup.row(button)
    return markup


class BackstrideTelegramOutput(TelegramOutput):
    """Rasa's Telegram output (an aiogram ``Bot``) pointed at a configurable Bot API."""

    def __init__(self, access_token: Text, api_url: Text = DEFAULT_API_URL) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        **kwargs: Any,
    ) -> None:
        await self.send_message(recipient_id, text, reply_markup=inline_keyboard(buttons))

    async def close_session(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class BackstrideTelegramInput(TelegramInput):
    """Telegram webhook that accepts only updates carrying the secret token."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            access_token=credentials.get("access_token"),
            secret_token=credentials.get("secret_token") or "",
            webhook_url=credentials.get("webhook_url"),
            api_url=credentials.get("api_url"),
        )

    def __init__(
        self,
        access_token: Optional[Text],
        secret_token: Text,
        webhook_url: Optional[Text] = None,
        api_url: Optional[Text] = None,
    ) -> None:
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        if not access_token:
            raise InvalidConfigException("The Telegram channel needs `access_token`.")
        if not SECRET_TOKEN_PATTERN.fullmatch(str(secret_token)):
            raise InvalidConfigException(
                "The Telegram channel needs `secret_token` (1-256 characters "
                "A-Z, a-z, 0-9, _ or -): without it anyone who knows the webhook URL "
                "could post updates."
            )
        self.secret_token = str(secret_token)
        self.api_url = api_url_from(api_url)

    def get_output_channel(self) -> BackstrideTelegramOutput:
        """The Bot API client; unlike Rasa's, this makes no network call."""
        return BackstrideTelegramOutput(self.access_token, self.api_url)

    def is_from_telegram(self, request: Request) -> bool:
        sent = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(sent.encode("utf-8"), self.secret_token.encode("utf-8"))

    async def register_webhook(self, bot: BackstrideTelegramOutput) -> bool:
        """``setWebhook`` with the secret token (aiogram 2.15 predates that parameter)."""
        if not self.webhook_url:
            logger.info("No Telegram webhook_url configured; not registering a webhook.")
            return False
        try:
            await bot.request(
                "setWebhook",
                {
                    "url": self.webhook_url,
                    "secret_token": self.secret_token,
                    "allowed_updates": json.dumps(list(ALLOWED_UPDATES)),
                },
            )
        except (TelegramAPIError, NetworkError) as error:
            logger.error("Telegram refused or missed setWebhook: %s", error)
            return False
        logger.info("Telegram webhook registered.")
        return True

    def get_metadata(self, request: Any) -> Optional[Dict[str, Any]]:
        """The message's own time (Telegram's ``date``), so "since Sunday" counts from when it was written."""
        try:
            update = request.json or {}
        except Exception:  # noqa: BLE001 - an unreadable body is refused elsewhere
            return None
        if not isinstance(update, dict):
            return None
        message = update.get("message") or update.get("edited_message") or (update.get("callback_query") or {}).get("message")
        date = message.get("date") if isinstance(message, dict) else None
        return {"timestamp": date} if isinstance(date, int) and not isinstance(date, bool) else None

    @staticmethod
    def _read(update: Update) -> Tuple[Optional[Text], Optional[int], Optional[CallbackQuery]]:
        """The text, chat id and button tap of an update, ``(None, None, None)`` if none."""
        if update.callback_query is not None:
            query = update.callback_query
            message = query.message
            if message is None or message.chat.type != "private" or not query.data:
                return None, None, None
            return query.data, message.chat.id, query
        message = update.message
        if message is None or message.chat.type != "private" or not message.text:
            return None, None, None
        text = message.text
        if text == START_COMMAND or text.startswith(START_COMMAND + " "):
            text = START_INTENT
        return text, message.chat.id, None

    @staticmethod
    async def _show_answer(bot: BackstrideTelegramOutput, query: CallbackQuery) -> None:
        """Stop the button's spinner; rewrite the question with the answer, no keyboard."""
        try:
            await bot.answer_callback_query(query.id)
            message = query.message
            titles = [
                button.text
                for row in (message.reply_markup.inline_keyboard if message.reply_markup else [])
                for button in row
                if button.callback_data == query.data
            ]
            if message.text and titles:
                await bot.edit_message_text(
                    f"{message.text}\n\n→ {titles[0]}", message.chat.id, message.message_id
                )
            else:
                await bot.edit_message_reply_markup(message.chat.id, message.message_id)
        except (TelegramAPIError, NetworkError) as error:
            logger.warning("Could not update an answered Telegram question: %s", error)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message)  # never silence (channels/guard.py)
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        bot = self.get_output_channel()

        @telegram_webhook.listener("after_server_start")
        async def register(*_: Any) -> None:
            await self.register_webhook(bot)

        @telegram_webhook.listener("before_server_stop")
        async def close(*_: Any) -> None:
            await bot.close_session()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_from_telegram(request):
                logger.warning("Refused a Telegram update without the right secret token.")
                return response.text("forbidden", status=403)
            try:
                body = request.json
                update = Update(**(json.loads(body) if isinstance(body, str) else body))
                text, chat_id, query = self._read(update)
            except Exception:
                logger.exception("Could not read a Telegram update; ignoring it.")
                return response.text("ignored")
            if text is None:
                return response.text("ignored")
            if query is not None:
                await self._show_answer(bot, query)
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        bot,
                        str(chat_id),
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:
                logger.exception("The assistant failed on a Telegram update.")
            return response.text("success")

        return telegram_webhook
