"""Two Rasa replicas and one action server on one PostgreSQL tracker store and one
Redis lock store, as in production (docs/deployment.md), all on 127.0.0.1.

`make test-replicas` / `make test-load` run these tests inside
``scripts/postgres.sh run -- scripts/redis.sh run --``, which set TEST_POSTGRES_URL
and REDIS_HOST / REDIS_PORT / REDIS_PASSWORD. The replicas read
``deploy/endpoints.yml``, the same file the compose file and Helm values use,
so the tested setup is the documented one. The servers start once per session
(starting Rasa is the slow part) and are shared by the replica and load tests.
Ports: REPLICA_RASA_PORTS (5805,5806), REPLICA_ACTIONS_PORT (5855); REPLICA_URLS
(with RASA_AUTH_TOKEN) uses replicas that are already running instead.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.engine import make_url

from backstride.store.migrate import upgrade
from tests.channels.conftest_chat import HOST, MODEL, RASA, ROOT, Server, base_env, http

sys.path.insert(0, str(ROOT / "scripts"))
from eval_vignettes import BotClient  # noqa: E402  (scripts/ is not a package)

#: REPLICA_ENDPOINTS swaps the file, e.g. to watch Rasa's own `type: redis` lock store lose a message.
ENDPOINTS = Path(os.environ.get("REPLICA_ENDPOINTS", str(ROOT / "deploy" / "endpoints.yml")))


def _ports(variable: str, default: str) -> list[int]:
    return [int(port) for port in os.environ.get(variable, default).split(",")]


def _required(variable: str, why: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        pytest.fail(f"{variable} is not set: {why}", pytrace=False)
    return value


class TimedClient(BotClient):
    """eval_vignettes' client for one runner (one thread): each message goes to the
    next replica in turn and is timed, each tracker read goes to the replica that did
    not answer (it must see the turn too), and what was sent is kept so that the
    stored tracker can be checked afterwards."""

    def __init__(self, urls: list[str], token: str, timeout: float = 120.0) -> None:
        super().__init__(urls[0], token, timeout)
        self.urls = [url.rstrip("/") for url in urls]
        self.sent: dict[str, list[str]] = {}
        self.latencies: list[float] = []
        self._turn = 0

    def _next_replica(self) -> str:
        return self.urls[self._turn % len(self.urls)]

    def send(self, sender: str, text: str, sent_at: str = "") -> list[dict]:
        self.url = self._next_replica()
        self._turn += 1
        self.sent.setdefault(sender, []).append(text)
        started = time.perf_counter()
        try:
            return super().send(sender, text, sent_at)
        finally:
            self.latencies.append(time.perf_counter() - started)

    def slots(self, sender: str) -> dict:
        self.url = self._next_replica()
        return super().slots(sender)


@dataclass
class Replicas:
    """The running servers and how to talk to them."""

    urls: list[str]
    token: str
    servers: list[Server] = field(default_factory=list)

    def client(self, first: int = 0) -> TimedClient:
        """A client alternating between the replicas, starting with replica ``first``."""
        return TimedClient(self.urls[first:] + self.urls[:first], self.token)

    def say(self, sender: str, text: str, replica: int) -> list[dict]:
        response = http().post(f"{self.urls[replica]}/webhooks/rest/webhook",
                               json={"sender": sender, "message": text}, timeout=120)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, replica: int = 0) -> dict:
        response = http().get(f"{self.urls[replica]}/conversations/{sender}/tracker",
                              params={"token": self.token}, timeout=60)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()


@pytest.fixture(scope="session")
def replicas(tmp_path_factory) -> Iterator[Replicas]:
    running = os.environ.get("REPLICA_URLS")
    if running:  # while developing: replicas already started by hand, and their token
        yield Replicas(running.split(","), _required("RASA_AUTH_TOKEN", "the running replicas' token"))
        return
    database_url = _required("TEST_POSTGRES_URL", "run inside scripts/postgres.sh (make test-replicas)")
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.fail("TEST_POSTGRES_URL must be a postgresql:// URL", pytrace=False)
    redis_password = _required("REDIS_PASSWORD", "run inside scripts/redis.sh (make test-replicas)")
    model = Path(os.environ.get("TEST_MODEL", str(MODEL)))
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make train` first", pytrace=False)

    rasa_ports = _ports("REPLICA_RASA_PORTS", "5805,5806")
    actions_port = _ports("REPLICA_ACTIONS_PORT", "5855")[0]
    workdir = tmp_path_factory.mktemp("replicas")
    token = secrets.token_urlsafe(16)
    env = base_env(
        ACTIONS_PORT=str(actions_port),
        ACTION_ENDPOINT_URL=f"http://{HOST}:{actions_port}/webhook",
        DATABASE_URL=database_url,
        REDIS_HOST=os.environ.get("REDIS_HOST", HOST),
        REDIS_PORT=os.environ.get("REDIS_PORT", "6390"),
        REDIS_PASSWORD=redis_password,
        BACKSTRIDE_ENV="test",
    )
    upgrade(database_url)
    cluster = Replicas([f"http://{HOST}:{port}" for port in rasa_ports], token)
    try:
        actions = Server("action server", [RASA, "run", "actions", "--actions", "actions", "-p", str(actions_port)],
                         env, workdir / "actions.log")
        cluster.servers.append(actions.start(f"http://{HOST}:{actions_port}/health", actions_port, 90))
        rasas = [
            Server(f"Rasa replica on {port}",
                   [RASA, "run", "-m", str(model), "--enable-api", f"--auth-token={token}", "-i", HOST,
                    "-p", str(port), "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(ENDPOINTS)],
                   env, workdir / f"rasa-{port}.log")
            for port in rasa_ports
        ]
        cluster.servers += rasas
        # Side by side: each replica loads the model on its own, the slow part of the session.
        with ThreadPoolExecutor(len(rasas)) as pool:
            starts = [pool.submit(server.start, f"{url}/status?token={token}", port, 400)
                      for server, url, port in zip(rasas, cluster.urls, rasa_ports)]
            for started in starts:
                started.result()
        yield cluster
    finally:
        cluster.stop()
