"""Rasa's SQL tracker store, which erases a conversation once the runner confirmed "forget me".

The erasure cannot happen inside the custom action: Rasa saves a turn by
appending the events it holds in memory beyond those stored, so a conversation
erased mid-turn is written back when the turn ends (``tests/store`` pins this).
This store erases right after saving the turn in which ``action_forget_me`` ran.
Referenced from ``endpoints.yml`` as
``backstride.store.forgetful.ForgetfulSQLTrackerStore``.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from backstride.store.tracker_erasure import erase_conversation

FORGET_ACTION = "action_forget_me"


def forget_confirmed_this_turn(tracker: DialogueStateTracker) -> bool:
    """True when ``action_forget_me`` ran after the runner's last message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


class ForgetfulSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker, *args: Any, **kwargs: Any) -> None:
        await super().save(tracker, *args, **kwargs)
        if forget_confirmed_this_turn(tracker):
            erase_conversation(None, tracker.sender_id, engine=self.engine)
