"""How the Rasa server calls the action server (channels/action_calls.py): the same
answers accepted and refused as Rasa's own check, one kept-alive connection for many
calls, and a hung action server given up on."""

from __future__ import annotations

import asyncio
import time

import jsonschema
import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from channels import action_calls

action_calls.install()

SLOT = {"event": "slot", "name": "pain_location", "value": "lower_back", "timestamp": None}

ANSWERS = [
    {"events": [], "responses": []},
    {"events": [SLOT, {"event": "active_loop", "name": None}], "responses": [{"text": "Where does it hurt?"}]},
    {"events": [{"event": "slot", "name": "pain_location", "value": "lower_back"}]},
    {"responses": [{"text": "hi", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]},
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [{"event": "slot", "value": 3}]},
    {"events": [SLOT], "responses": "not a list"},
]


def rasa_says(answer: dict) -> bool:
    """Rasa's own check, before install(): jsonschema.validate with the schema re-checked."""
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("answer", ANSWERS)
def test_an_answer_is_accepted_or_refused_as_rasa_itself_would(answer):
    action = RemoteAction("action_extract_facts", None)
    if rasa_says(answer):
        assert action._validate_action_result(answer) is True
    else:
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(answer)


def test_both_kinds_of_answer_are_among_the_examples():
    assert {rasa_says(answer) for answer in ANSWERS} == {True, False}


async def _serve(handler) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


def test_calls_in_a_row_share_one_connection():
    async def scenario() -> set:
        peers: set = set()

        async def webhook(request: web.Request) -> web.Response:
            peers.add(request.transport.get_extra_info("peername"))
            return web.json_response({"events": [], "responses": []})

        runner, port = await _serve(webhook)
        try:
            endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
            for _ in range(5):
                assert await endpoint.request(json={"next_action": "x"}, method="post") == {"events": [], "responses": []}
        finally:
            await action_calls.close_connections()
            await runner.cleanup()
        return peers

    assert len(asyncio.run(scenario())) == 1


def test_a_hung_action_server_fails_the_call_and_marks_the_turn(monkeypatch):
    monkeypatch.setattr(action_calls, "CALL_TIMEOUT_SECONDS", 0.3)

    async def scenario() -> tuple[action_calls.TurnWatch, float]:
        async def hangs(request: web.Request) -> web.Response:
            await asyncio.sleep(3)
            return web.json_response({})

        runner, port = await _serve(hangs)
        try:
            watch = action_calls.watch_turn()
            action = RemoteAction("validate_back_pain_form", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await action.run(None, None, DialogueStateTracker("r", []), Domain.empty())
            waited = time.monotonic() - started
        finally:
            await action_calls.close_connections()
            await runner.cleanup()
        return watch, waited

    watch, waited = asyncio.run(scenario())
    assert waited < 5  # Rasa's own limit is 300 s
    assert watch.failed and watch.failures[0].startswith("validate_back_pain_form")


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "deploy/endpoints.yml"])
def test_no_call_carries_the_domain(endpoints, monkeypatch):
    """No action reads the domain (they are run with an empty one in their own tests),
    so neither the single server nor the replicas send its 11 kB with every call."""
    from pathlib import Path

    from rasa.core.utils import AvailableEndpoints

    root = Path(__file__).resolve().parents[2]
    for name, value in {"ACTIONS_PORT": "5055", "ACTION_ENDPOINT_URL": "http://actions:5055/webhook",
                        "DATABASE_URL": "sqlite://", "REDIS_HOST": "redis", "REDIS_PORT": "6379",
                        "REDIS_PASSWORD": "secret"}.items():
        monkeypatch.setenv(name, value)
    endpoint = AvailableEndpoints.read_endpoints(str(root / endpoints)).action
    domain = Domain.load(str(root / "domain.yml"))
    tracker = DialogueStateTracker("r", [])
    assert domain.user_actions
    for name in domain.user_actions:
        assert "domain" not in RemoteAction(name, endpoint)._action_call_format(tracker, domain), name


def test_an_action_that_reads_only_this_turn_is_posted_only_this_turn():
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    endpoint = EndpointConfig("http://127.0.0.1:9/webhook", enable_selective_domain=True)
    domain = Domain.load(str(__import__("pathlib").Path(__file__).resolve().parents[2] / "domain.yml"))
    earlier = [ActionExecuted("action_listen"), UserUttered("my back hurts"), BotUttered("Where?"),
               SlotSet("pain_location", "lower_back")] * 20
    turn = [UserUttered("it stays in my back", input_channel="telegram"), SlotSet("pain_radiation", "none")]
    tracker = DialogueStateTracker.from_events("r", [*earlier, ActionExecuted("action_listen"), *turn],
                                               slots=domain.slots)
    for name in action_calls.THIS_TURN_ACTIONS:
        body = RemoteAction(name, endpoint)._action_call_format(tracker, domain)
        assert [e["event"] for e in body["tracker"]["events"]] == ["user", "slot"], name
        assert body["tracker"]["slots"]["pain_location"] == "lower_back"
        assert body["tracker"]["latest_input_channel"] == "telegram"
        assert body["next_action"] == name and "domain" not in body
    whole = RemoteAction("action_start_assessment", endpoint)._action_call_format(tracker, domain)
    assert len(whole["tracker"]["events"]) == len(tracker.events)
    alone = DialogueStateTracker.from_events("r", [ActionExecuted("action_session_start")], slots=domain.slots)
    body = RemoteAction("validate_back_pain_form", endpoint)._action_call_format(alone, domain)
    assert len(body["tracker"]["events"]) == 1  # no message yet: everything there is


def test_every_action_posted_only_this_turn_is_in_the_domain():
    domain = Domain.load(str(__import__("pathlib").Path(__file__).resolve().parents[2] / "domain.yml"))
    assert action_calls.THIS_TURN_ACTIONS <= set(domain.user_actions)
