"""The production deployment files (deploy/, docs/deployment.md) checked offline.

No image can be pulled or cluster reached here, so these tests hold what can be
held without them: every file parses, Rasa loads deploy/endpoints.yml into the
tracker and lock stores the replica tests ran with, only the proxy or ingress
faces users, the action server is never exposed, sockets stick to one replica,
and every secret comes from the environment or a Kubernetes Secret.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRETS = ("RASA_AUTH_TOKEN", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "BACKSTRIDE_KEY_SECRET")


def load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict:
    return load("compose.yml")


def env_names(entries: list[dict]) -> dict[str, dict]:
    return {entry["name"]: entry for entry in entries}


def test_every_deploy_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yml")) + sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        assert yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_rasa_builds_the_tested_stores_from_the_replicas_endpoints(monkeypatch):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import AvailableEndpoints

    from backstride.store.redis_lock import AtomicRedisLockStore

    for name, value in {"ACTION_ENDPOINT_URL": "http://actions:5055/webhook", "DATABASE_URL": "postgresql://u:p@db/b",
                        "REDIS_HOST": "redis", "REDIS_PORT": "6379", "REDIS_PASSWORD": "secret"}.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(DEPLOY / "endpoints.yml"))
    assert endpoints.action.url == "http://actions:5055/webhook"
    assert endpoints.tracker_store.type == "backstride.store.forgetful.ForgetfulSQLTrackerStore"
    assert endpoints.tracker_store.url == "postgresql://u:p@db/b"
    lock_store = LockStore.create(endpoints.lock_store)  # redis-py connects lazily: no server needed
    assert isinstance(lock_store, AtomicRedisLockStore)
    kwargs = lock_store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["password"], kwargs["db"]) == ("redis", 6379, "secret", 1)


def test_the_image_runs_rasa_with_the_replicas_endpoints_and_no_secret():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "--endpoints deploy/endpoints.yml" in cmd and '--auth-token=\\"$RASA_AUTH_TOKEN\\"' in cmd
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, flags=re.M):
        for path in source.split():
            assert (ROOT / path).exists() or path == "models/backstride.tar.gz", path
    settings = [line for line in dockerfile.splitlines() if line.startswith(("ENV", "ARG"))]
    assert settings and not any(re.search(r"TOKEN|PASSWORD|SECRET", line) for line in settings)


def test_compose_publishes_only_the_proxy(compose):
    services = compose["services"]
    assert {name for name, service in services.items() if service.get("ports")} == {"proxy"}
    assert {"rasa-1", "rasa-2", "actions", "postgres", "redis", "migrate"} <= set(services)
    for replica in ("rasa-1", "rasa-2"):
        env = services[replica]["environment"]
        assert env["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
        assert env["REDIS_HOST"] == "redis" and env["DATABASE_URL"].startswith("postgresql://")


def test_compose_takes_every_secret_from_the_environment_with_no_default():
    text = (DEPLOY / "compose.yml").read_text(encoding="utf-8")
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses, name
        assert all(use.startswith(":?") for use in uses), f"{name} must be required: {uses}"
    example = dict(line.split("=", 1) for line in (DEPLOY / "env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert set(SECRETS) <= set(example) and not any(example[name] for name in SECRETS)


def test_the_proxy_keeps_a_client_on_one_replica():
    config = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
    assert re.search(r"^\s*cookie \S+ insert", config, flags=re.M)
    servers = re.findall(r"^\s*server (\S+) (\S+) .*cookie (\S+)", config, flags=re.M)
    assert [s[1] for s in servers] == ["rasa-1:5005", "rasa-2:5005"]


def test_the_proxy_routes_only_the_channels():
    config = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
    (paths,) = re.findall(r"^\s*acl channel path_beg (.+)$", config, flags=re.M)
    assert "/socket.io/" in paths.split() and not any(p in paths for p in ("/conversations", "/webhooks/rest", "/model"))
    assert re.search(r"^\s*http-request deny .*unless channel", config, flags=re.M)


def test_helm_replicas_share_the_stores_with_sticky_ingress_and_secrets_from_a_secret():
    values = load("helm/rasa-values.yaml")
    assert values["replicaCount"] >= 2
    assert values["args"][values["args"].index("--endpoints") + 1] == "deploy/endpoints.yml"
    assert "--auth-token=$(RASA_AUTH_TOKEN)" in values["args"]
    annotations = values["ingress"]["annotations"]
    assert values["ingress"]["enabled"] and annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    paths = [values["ingress"]["path"]] + [extra["path"] for extra in values["ingress"]["extraPaths"]]
    assert "/socket.io/" in paths and not any(path in ("/", "/webhooks/rest/webhook") or path.startswith("/conversations")
                                               for path in paths)
    assert {extra["backend"]["service"]["name"] for extra in values["ingress"]["extraPaths"]} == {values["fullnameOverride"]}
    assert values["service"]["type"] == "ClusterIP"
    env = env_names(values["extraEnv"])
    for name in ("RASA_AUTH_TOKEN", "DATABASE_URL", "REDIS_PASSWORD"):
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "backstride-secrets", name
    assert env["ACTION_ENDPOINT_URL"]["value"].startswith("http://backstride-actions:5055/")


def test_helm_action_server_is_not_exposed():
    values = load("helm/actions-values.yaml")
    assert values["fullnameOverride"] == "backstride-actions"
    assert values["ingress"]["enabled"] is False and values["service"]["type"] == "ClusterIP"
    assert values["service"]["port"] == 5055
    env = env_names(values["extraEnv"])
    assert "valueFrom" in env["BACKSTRIDE_KEY_SECRET"] and "valueFrom" in env["DATABASE_URL"]
    policy = load("helm/networkpolicy.yaml")
    assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/instance"] == "backstride-actions"
