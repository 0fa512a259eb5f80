"""Slack, through Rasa's own connector, with a few changes.

Rasa's ``SlackInput`` already checks the request signature (HMAC of the body
with the signing secret, timestamps older than five minutes refused), answers
Slack at once and handles the message in a background task. On top of it:

* the Web API base URL is configurable (``api_url`` in the credentials, else
  ``SLACK_API_URL``, else Slack's), so that tests can talk to a local fake;
* a question with answer buttons goes out as one Block Kit message (a section
  and an actions block), also with six buttons (Rasa falls back to plain text
  above five, although an actions block may hold 25) and without the legacy
  ``as_user`` flag that bot tokens of current Slack apps do not use;
* after a button click the question is rewritten, through the click's
  ``response_url``, to show the answer without buttons: an old question's
  "No" can then not be taken later as the answer to another question;
* only direct messages with the bot are served (and the channel named by
  ``slack_channel``, if one is configured): a mention in a shared channel
  would put a runner's health answers in front of everyone there;
* an Events API delivery that Slack retries is handled once (by ``event_id``);
* the URL verification challenge is answered in plain text, as Slack documents;
* a message the assistant leaves without any reply gets the safe message of
  ``channels/guard.py`` (emergency advice, try again shortly).

Credentials (see ``scripts/credentials.py`` and ``docs/channels.md``)::

    channels.slack.BackstrideSlackInput:
      slack_token: ${SLACK_TOKEN}
      slack_signing_secret: ${SLACK_SIGNING_SECRET}
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from channels.guard import guarded

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
API_URL_ENV = "SLACK_API_URL"

#: Slack's limits: elements in an actions block, a button's label, a section's text.
MAX_BUTTONS = 25
MAX_BUTTON_TEXT = 75
MAX_SECTION_TEXT = 3000

#: Slack's own host for ``response_url``; the only other one allowed is the API's.
RESPONSE_URL_HOST = "hooks.slack.com"

#: How many Events API ids to remember for spotting retried deliveries.
SEEN_EVENTS = 2000


def api_url_from(configured: Optional[Text]) -> Text:
    url = configured or os.environ.get(API_URL_ENV) or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def escape_mrkdwn(text: Text) -> Text:
    """Slack reads ``&``, ``<`` and ``>`` in message text as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def question_blocks(text: Text, buttons: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """A section with the question and an actions block with one button an answer."""
    return [
        {
            "type": "section",
            "text": {"type": "plain_text", "text": text[:MAX_SECTION_TEXT], "emoji": True},
        },
        {
            "type": "actions",
            "block_id": "backstride_answers",
            "elements": [
                {
                    "type": "button",
                    "action_id": f"answer_{index}",
                    "text": {
                        "type": "plain_text",
                        "text": button["title"][:MAX_BUTTON_TEXT],
                        "emoji": True,
                    },
                    "value": button["payload"],
                }
                for index, button in enumerate(buttons)
            ],
        },
    ]


def answered_blocks(question: Text, answer: Text) -> List[Dict[Text, Any]]:
    """The question as it reads once answered: the text and the answer, no buttons."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": question[:MAX_SECTION_TEXT]}},
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"Your answer: *{escape_mrkdwn(answer)}*"}],
        },
    ]


class BackstrideSlackBot(SlackBot):
    """Rasa's Slack output with a configurable API URL and Block Kit questions."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Text = DEFAULT_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url_from(api_url), proxy=proxy)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        for part in text.strip().split("\n\n"):
            await self._post_message(channel=recipient, text=escape_mrkdwn(part))

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        **kwargs: Any,
    ) -> None:
        recipient = self.slack_channel or recipient_id
        if len(buttons) > MAX_BUTTONS:
            logger.warning(
                "A Slack actions block holds at most %d buttons; sending the text only.",
                MAX_BUTTONS,
            )
            return await self.send_text_message(recipient, text)
        # `text` is what notifications and screen readers show.
        await self._post_message(
            channel=recipient, text=escape_mrkdwn(text), blocks=question_blocks(text, buttons)
        )


class BackstrideSlackInput(SlackInput):
    """Rasa's Slack input (signature check included) with the changes above."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            slack_token=credentials.get("slack_token"),
            slack_channel=credentials.get("slack_channel"),
            proxy=credentials.get("proxy"),
            slack_retry_reason_header=credentials.get(
                "slack_retry_reason_header", "x-slack-retry-reason"
            ),
            slack_retry_number_header=credentials.get(
                "slack_retry_number_header", "x-slack-retry-num"
            ),
            errors_ignore_retry=credentials.get("errors_ignore_retry"),
            use_threads=credentials.get("use_threads", False),
            slack_signing_secret=credentials.get("slack_signing_secret", ""),
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
            api_url=credentials.get("api_url"),
        )

    def __init__(self, *args: Any, api_url: Optional[Text] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = api_url_from(api_url)
        self._seen_events: "OrderedDict[Text, None]" = OrderedDict()

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        return BackstrideSlackBot(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )

    def _is_supported_channel(self, slack_event: Dict, metadata: Dict) -> bool:
        return self._is_direct_message(slack_event) or (
            bool(self.slack_channel) and metadata.get("out_channel") == self.slack_channel
        )

    def _is_retry_of_seen_event(self, request: Request) -> bool:
        if request.headers.get("content-type") != "application/json":
            return False
        event_id = (request.json or {}).get("event_id")
        if not event_id:
            return False
        if event_id in self._seen_events:
            return True
        self._seen_events[event_id] = None
        while len(self._seen_events) > SEEN_EVENTS:
            self._seen_events.popitem(last=False)
        return False

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        # Only reached for requests whose signature was checked.
        if self._is_retry_of_seen_event(request):
            logger.info("Slack delivered an event again; it was handled already.")
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        if request.headers.get("content-type") == "application/x-www-form-urlencoded":
            payload = json.loads(request.form["payload"][0])
            self._in_background(self._show_answer(payload))
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def _in_background(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    def _may_post_to(self, url: Text) -> bool:
        target, api = urlsplit(url), urlsplit(self.api_url)
        return (target.scheme, target.hostname) == ("https", RESPONSE_URL_HOST) or (
            target.scheme,
            target.netloc,
        ) == (api.scheme, api.netloc)

    async def _show_answer(self, payload: Dict[Text, Any]) -> None:
        """Replace the clicked question by its text and the answer, without buttons."""
        url = payload.get("response_url")
        action = (payload.get("actions") or [{}])[0]
        question = (payload.get("message") or {}).get("text")
        if not url or not question or action.get("type") != "button":
            return
        if not self._may_post_to(url):
            logger.warning("Not following a Slack response_url on an unexpected host.")
            return
        answer = (action.get("text") or {}).get("text") or action.get("value") or ""
        try:
            await AsyncWebhookClient(url, proxy=self.proxy).send(
                text=question, blocks=answered_blocks(question, answer), replace_original=True
            )
        except Exception:  # the answer itself still reaches the assistant
            logger.exception("Could not remove the buttons of an answered Slack question.")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = super().blueprint(guarded(on_new_message))

        @slack_webhook.middleware("request")
        async def url_verification(request: Request) -> Optional[HTTPResponse]:
            if (
                request.method != "POST"
                or request.headers.get("content-type") != "application/json"
            ):
                return None
            body = request.json if isinstance(request.json, dict) else {}
            if body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text("Invalid signature.", status=400)
            return response.text(str(body.get("challenge", "")))

        return slack_webhook
