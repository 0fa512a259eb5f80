"""The HTTP API needs the token; the action server listens on loopback only."""

import os
import socket

import pytest
import requests

pytestmark = pytest.mark.server

PROTECTED = [
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/tracker/events"),
    ("GET", "/conversations/someone/story"),
    ("POST", "/conversations/someone/execute"),
    ("POST", "/conversations/someone/predict"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/train"),
    ("GET", "/domain"),
    ("GET", "/status"),
]


@pytest.fixture
def rasa_url():
    url = os.environ.get("RASA_URL")
    if not url:
        pytest.fail("RASA_URL is not set: run through `make test` (scripts/with_servers.sh)")
    return url


@pytest.mark.parametrize("method,path", PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_the_api_refuses_requests_without_the_token(rasa_url, method, path):
    for params in ({}, {"token": "wrong-token"}):
        response = requests.request(method, rasa_url + path, params=params, json={}, timeout=30)
        assert response.status_code in (401, 403), (method, path, params, response.status_code)


def test_the_api_answers_with_the_token(rasa_url):
    response = requests.get(f"{rasa_url}/domain", params={"token": os.environ["RASA_AUTH_TOKEN"]},
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200
    assert "back_pain_form" in response.json()["forms"]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
                    found.add(socket.inet_ntop(socket.AF_INET6, b"".join(words)))
    return found


def test_the_action_server_listens_on_loopback_only():
    addresses = _listening_addresses(int(os.environ["ACTIONS_PORT"]))
    assert addresses, "no action server is listening"
    assert addresses <= {"127.0.0.1", "::1"}, addresses
