"""Servers for the chat-channel tests (Slack, Telegram), loaded by those modules
with ``pytest_plugins = ["tests.channels.conftest_chat"]``.

One action server on 127.0.0.1:5455 for the session; each test module starts
its own Rasa server (the real ``rasa run``, HTTP API with a token) with a
credentials file written by ``scripts/credentials.py`` into a temporary
directory, and stops it at the end. Every wait has a deadline.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RASA = str(BIN / "rasa")
MODEL = ROOT / "models" / "backstride.tar.gz"
ACTIONS_PORT = 5455
HOST = "127.0.0.1"

#: Variables of the channels that must not leak from the developer's shell
#: into the test servers (a real TELEGRAM_WEBHOOK_URL would be re-registered).
CHANNEL_VARIABLES = (
    "SLACK_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "SLACK_CHANNEL",
    "TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_URL",
)


def http() -> requests.Session:
    """A client that ignores proxy variables: every call goes to 127.0.0.1."""
    session = requests.Session()
    session.trust_env = False
    return session


def wait_until(check: Callable[[], object], timeout: float, what: str, every: float = 0.25):
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(every)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CHANNEL_VARIABLES}
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore::DeprecationWarning",
        TQDM_DISABLE="1",
        SANIC_HOST=HOST,
        ACTIONS_PORT=str(ACTIONS_PORT),
    )
    env.update(extra)
    return env


class Server:
    """A child process (in its own process group) with a log file and a health URL."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log = name, args, env, log
        self.process: Optional[subprocess.Popen] = None

    def start(self, health_url: str, port: int, timeout: float) -> "Server":
        if not _port_free(port):
            pytest.fail(f"{self.name}: port {port} on {HOST} is in use (a stale test server?)")
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                self.args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = http()

        def up() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited during start-up:\n{self.tail()}")
            try:
                return client.get(health_url, timeout=2).status_code == 200
            except requests.RequestException:
                return False

        try:
            wait_until(up, timeout, f"{self.name} answering {health_url}", every=0.5)
        except AssertionError as error:
            self.stop()
            raise AssertionError(f"{error}\n{self.tail()}") from None
        return self

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture(scope="session")
def action_server(tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    server = Server(
        "action server",
        [RASA, "run", "actions", "--actions", "actions", "-p", str(ACTIONS_PORT)],
        base_env(),
        log,
    )
    server.start(f"http://{HOST}:{ACTIONS_PORT}/health", ACTIONS_PORT, timeout=90)
    yield server
    server.stop()


class Rasa(Server):
    """``rasa run`` with the HTTP API (token) on 127.0.0.1, and a tracker reader."""

    def __init__(self, port: int, workdir: Path, channel_env: dict[str, str]) -> None:
        self.port = port
        self.token = secrets.token_urlsafe(16)
        self.url = f"http://{HOST}:{port}"
        credentials = workdir / "credentials.yml"
        env = base_env(DATABASE_URL=f"sqlite:///{workdir / 't.db'}", **channel_env)
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "credentials.py"), "--out", str(credentials)],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=60,
        )
        self.credentials = credentials
        super().__init__(
            f"Rasa on port {port}",
            [RASA, "run", "-m", str(MODEL), "--enable-api", f"--auth-token={self.token}",
             "-i", HOST, "-p", str(port), "--credentials", str(credentials),
             "--endpoints", str(ROOT / "endpoints.yml")],
            env,
            workdir / "rasa.log",
        )
        self.client = http()

    def start(self, timeout: float = 240) -> "Rasa":  # type: ignore[override]
        if not MODEL.exists():
            pytest.fail(f"no trained model at {MODEL}: run `make train` first")
        super().start(f"{self.url}/status?token={self.token}", self.port, timeout)
        return self

    def tracker(self, sender: str) -> dict:
        answer = self.client.get(
            f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        answer.raise_for_status()
        return answer.json()

    def conversation_events(self, sender: str) -> list[dict]:
        """The user and bot events of ``sender`` (reading a tracker adds session events)."""
        return [e for e in self.tracker(sender)["events"] if e["event"] in ("user", "bot")]

    def requested_slot(self, sender: str) -> Optional[str]:
        return self.tracker(sender)["slots"].get("requested_slot")

    def wait_for_slots(self, sender: str, check: Callable[[dict], bool], timeout: float = 30) -> dict:
        """The tracker's slots once ``check(slots)`` holds: Rasa stores the tracker
        only after the turn's replies went out."""
        return wait_until(lambda: (lambda s: check(s) and s)(self.tracker(sender)["slots"]),
                          timeout, f"slots of {sender} as expected")
