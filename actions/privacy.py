""""What do you know about me?" and a confirmed "forget me".

Both work on the runner's pseudonymous key (channel + sender id, HMAC); the
conversation itself is erased by the tracker store after this turn is saved
(``backstride/store/forgetful.py``), because Rasa would write it back otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from backstride.store import user_key
from backstride.store.recorder import store_and_secret
from actions.tracker_facts import input_channel

logger = logging.getLogger(__name__)

CONVERSATION_NOTE = (
    "This conversation is also kept ({count} messages so far), so that it can carry on if the connection drops. "
    "Say 'forget me' to delete all of it."
)


def _key(tracker: Tracker, secret: str) -> str:
    return user_key(input_channel(tracker), tracker.sender_id, secret)


class ActionWhatIKnow(Action):
    def name(self) -> str:
        return "action_what_i_know"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            store, secret = store_and_secret()
            stored = store.describe(_key(tracker, secret))
        except Exception as error:  # noqa: BLE001 - answer what we can
            logger.error("Could not read stored assessments: %s", type(error).__name__)
            stored = "I can't reach my records right now, so I can't show your past assessments; please ask again later."
        events = sum(1 for event in tracker.events if event.get("event") in ("user", "bot"))
        dispatcher.utter_message(text=stored + "\n\n" + CONVERSATION_NOTE.format(count=events))
        return []


class ActionForgetMe(Action):
    def name(self) -> str:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            store, secret = store_and_secret()
            deleted = store.forget(_key(tracker, secret))
            what = f"{deleted} stored assessment{'s' if deleted != 1 else ''}"
        except Exception as error:  # noqa: BLE001 - still erase the conversation
            logger.error("Could not delete stored assessments: %s", type(error).__name__)
            dispatcher.utter_message(
                text="I couldn't reach my records to delete your past assessments, so they are still there; "
                "please say 'forget me' again later. This conversation will be deleted now."
            )
            return []
        dispatcher.utter_message(
            text=f"Done: I've deleted {what} and this conversation. If you write again, we start afresh."
        )
        return []
