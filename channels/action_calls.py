"""How the Rasa server calls the action server: checked once, kept alive, watched per turn.

Rasa 3.6 calls the action server through ``RemoteAction.run`` and
``EndpointConfig.request``. The profile of a turn (docs/performance.md) found
two costs there that a plain Rasa bot never pays, and the guard needs to know
when such a call failed. :func:`install` changes these things, once per
process (the guard calls it, so every channel of the project has it):

* **The answer's schema is checked once, not on every call.** Rasa checks each
  answer with ``jsonschema.validate``, which first checks the *schema itself*
  against the JSON Schema meta-schema, on every call: 59 % of the Rasa
  server's busy CPU while the dev runners played (``make profile``). The same schema
  (``RemoteAction.action_response_format_spec``) is checked once here and its
  validator kept; an answer is judged exactly as before, and a wrong one raises
  the same ``ValidationError`` with Rasa's own hint.
* **Connections are kept alive.** Rasa opens a new ``aiohttp`` session, and so a
  new TCP connection, for every call. Sessions now share one connector per
  event loop; it drops an idle connection after
  :data:`KEEPALIVE_SECONDS`, well before the action server (Sanic, 5 s) closes
  it, so a connection the server is closing is never reused.
* **A failed call is written down for the turn.** The guard opens a
  :class:`TurnWatch` for each message; a call to the action server that fails
  (down, timed out, an action that raised, a malformed answer) marks it, and
  the guard then holds back the turn's remaining replies and sends the safe
  message (``channels/guard.py``), with no health request of its own.

* **Actions that read only the current turn are posted only the current turn.**
  Rasa posts every event of the conversation with every call, so a call at turn
  40 carried 175 kB where one at turn 5 carried 44. The actions of
  :data:`THIS_TURN_ACTIONS` decide from the slots, the latest message, the
  active loop and the events since the runner's latest message (what the form
  heard this turn, whether the bot has spoken since), so they are posted those
  events only; every other action still gets the whole conversation.
  ``tests/actions/test_this_turn.py`` gives each of them a tracker with and
  without a long history before the latest message and checks the answers
  are the same.

And one more: the actions of ``channels.local_actions.LOCAL_ACTIONS``
(``action_extract_facts``, run after every message) are run by the Rasa server
itself, with the same code and the same check of the answer, instead of being
posted the whole tracker; one of them that raises is a failed call like any other.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Text

import aiohttp

from channels import local_actions

logger = logging.getLogger(__name__)

#: Seconds an idle kept-alive connection to the action server may be reused.
KEEPALIVE_SECONDS = 2.0
#: Seconds a call to the action server may take before the turn counts it failed
#: (Rasa's own default is 300: a hung action server would leave a runner waiting
#: five minutes for the safe message).
CALL_TIMEOUT_SECONDS = 30.0


@dataclass
class TurnWatch:
    """What went wrong in one message's calls to the action server."""

    failures: list[Text] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.failures)


#: Actions whose answer depends on the slots, the latest message, the active loop and the
#: events since the runner's latest message only (see above); Rasa posts them no earlier event.
THIS_TURN_ACTIONS = frozenset({
    "validate_back_pain_form",
    "validate_progress_form",
    "action_recommend",
    "action_check_in",
    "action_follow_up",
})


def this_turn(events: list) -> list:
    """The events from the runner's latest message on (all of them when there is none)."""
    from rasa.shared.core.events import UserUttered

    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


_turn: contextvars.ContextVar[Optional[TurnWatch]] = contextvars.ContextVar("backstride_turn", default=None)


def watch_turn() -> TurnWatch:
    """A new watch for the message being handled in this task (and the tasks it starts)."""
    watch = TurnWatch()
    _turn.set(watch)
    return watch


def note_failure(action_name: Text, error: BaseException) -> None:
    watch = _turn.get()
    if watch is not None:
        watch.failures.append(f"{action_name}: {type(error).__name__}")


def response_validator() -> Any:
    """The validator of Rasa's action-server answer schema, its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


# One connector per running event loop (Sanic runs one loop per worker; tests
# start and close loops of their own), dropped with its loop.
_connectors: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.TCPConnector]" = (
    weakref.WeakKeyDictionary()
)


def shared_connector() -> Optional[aiohttp.TCPConnector]:
    """This event loop's kept-alive connector, or None outside a running loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    connector = _connectors.get(loop)
    if connector is None or connector.closed:
        connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS)
        _connectors[loop] = connector
    return connector


async def close_connections() -> None:
    """Close this event loop's kept-alive connections (a test's loop, before it ends)."""
    try:
        connector = _connectors.pop(asyncio.get_running_loop(), None)
    except RuntimeError:
        return
    if connector is not None:
        await connector.close()


_installed = False


def install() -> None:
    """Make the changes above to Rasa's classes (idempotent)."""
    global _installed
    if _installed:
        return
    import rasa
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    validator = response_validator()

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:  # the same hint as Rasa's own check
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    original_run = RemoteAction.run

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            if local_actions.is_local(self.name()):
                return await local_actions.run_locally(self, output_channel, nlg, tracker)
            return await original_run(self, output_channel, nlg, tracker, domain)
        except BaseException as error:
            note_failure(self.name(), error)
            raise

    original_format = RemoteAction._action_call_format

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
        if self.name() not in THIS_TURN_ACTIONS:
            return original_format(self, tracker, domain)
        from rasa.shared.core.trackers import EventVerbosity

        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in this_turn(list(tracker.events))]
        body = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
                "version": rasa.__version__}
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            body["domain"] = domain.as_dict()
        return body

    def session(self: EndpointConfig) -> aiohttp.ClientSession:
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        connector = shared_connector()
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=connector,
            connector_owner=connector is None,
        )

    original_request = EndpointConfig.request

    async def request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        if _turn.get() is not None and kwargs.get("timeout") == DEFAULT_REQUEST_TIMEOUT:
            kwargs["timeout"] = CALL_TIMEOUT_SECONDS
        return await original_request(self, *args, **kwargs)

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
    RemoteAction.run = run  # type: ignore[method-assign]
    EndpointConfig.session = session  # type: ignore[method-assign]
    EndpointConfig.request = request  # type: ignore[method-assign]
    _installed = True
    logger.debug("Action-server calls: schema checked once, connections kept alive, failures watched per turn.")
