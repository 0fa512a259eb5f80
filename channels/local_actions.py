"""Custom actions the Rasa server runs itself, without a call to the action server.

``action_extract_facts`` runs after every message (the custom slot mapping of
each fact slot names it). As a remote action it cost the Rasa server a POST of
the whole tracker, every event of the conversation as JSON, on every turn, and
the action server the parsing of it; the profile of a turn put that call among
the largest costs Backstride pays over a plain Rasa bot, and it grew with the
conversation (docs/performance.md). Yet the action reads only the latest
message, the slots and the form's requested slot.

So the Rasa server runs it in its own process: :func:`run_locally` hands the
project's own action class (``actions.extract.ActionExtractFacts``, the same
code the action server would run) a ``rasa_sdk`` tracker made from the tracker's
current state *without its events*, and turns the answer into Rasa events the way
``RemoteAction.run`` turns the action server's answer (the same schema check,
the same ``deserialise_events``). The action server still serves the action, so
a Rasa server started without the project's channels (``rasa shell``) behaves
as before.

What stays true:

* facts are read on every turn, on every channel, by the same code;
* an action that raises counts as a failed call: the turn's watch is marked
  (the guard holds back the replies and sends the safe message) and Rasa gets
  the ``RasaException`` a failed remote call gives it;
* an action listed here reads no history: :data:`LOCAL_ACTIONS` is for actions
  whose answer depends on the latest message, the slots and the active loop
  only. ``tests/channels/test_local_actions.py`` plays conversations both ways,
  the whole tracker posted and the state without events, and checks that the
  events are the same; an action that starts reading ``tracker.events`` fails it.
"""

from __future__ import annotations

import importlib
import json
import logging
from typing import Any, Dict, List, Text

from rasa.shared.core.events import Event, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

#: Action name -> ``module:Class`` of the rasa_sdk action the Rasa server runs itself.
LOCAL_ACTIONS: Dict[Text, Text] = {
    "action_extract_facts": "actions.extract:ActionExtractFacts",
}

_instances: Dict[Text, Any] = {}


def is_local(action_name: Text) -> bool:
    return action_name in LOCAL_ACTIONS


def _action(action_name: Text) -> Any:
    action = _instances.get(action_name)
    if action is None:
        module, _, cls = LOCAL_ACTIONS[action_name].partition(":")
        action = getattr(importlib.import_module(module), cls)()
        if action.name() != action_name:
            raise RasaException(f"{LOCAL_ACTIONS[action_name]} is named {action.name()!r}, not {action_name!r}")
        _instances[action_name] = action
    return action


def state_without_events(tracker: DialogueStateTracker) -> Dict[Text, Any]:
    """What the action server would be posted as ``tracker``, less the events, as plain JSON values."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = []
    return json.loads(json.dumps(state))


async def answer(action_name: Text, state: Dict[Text, Any]) -> Dict[Text, Any]:
    """The answer the action server would give (``events`` and ``responses``) to ``state``."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.utils import call_potential_coroutine

    dispatcher = CollectingDispatcher()
    events = await call_potential_coroutine(_action(action_name).run(dispatcher, Tracker.from_dict(state), {}))
    return json.loads(json.dumps({"events": list(events or []), "responses": dispatcher.messages}))


async def run_locally(
    remote: Any,
    output_channel: Any,
    nlg: Any,
    tracker: DialogueStateTracker,
) -> List[Event]:
    """Run ``remote`` (a ``RemoteAction`` of :data:`LOCAL_ACTIONS`) in this process, as ``RemoteAction.run`` would."""
    name = remote.name()
    try:
        response = await answer(name, state_without_events(tracker))
        remote._validate_action_result(response)
    except Exception as error:
        logger.exception("The action %s failed in the Rasa server.", name)
        raise RasaException(f"Failed to execute custom action '{name}'") from error
    bot_messages = await remote._utter_responses(response["responses"], output_channel, nlg, tracker)
    return list(bot_messages) + deserialise_events(response["events"])
