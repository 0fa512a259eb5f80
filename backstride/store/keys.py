"""Pseudonymous user keys: who a runner is, without storing who they are.

A key is HMAC-SHA256(secret, channel + sender id). The same runner on the same
channel always gets the same key, so a returning runner is recognised; without
the secret nobody can go from a key back to a sender id, nor test a guess.
Changing the secret orphans every stored assessment (nobody maps to them any
more): rotate it only together with a purge of ``assessments``.

The secret comes from ``BACKSTRIDE_KEY_SECRET``. Without it the assistant
refuses to start, except where ``BACKSTRIDE_ENV`` is ``dev`` or ``test``: there
a fixed, public development secret is used, and a warning says so. A new
secret: ``python -m backstride.store.keys``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from typing import Mapping, Optional, Union

logger = logging.getLogger(__name__)

SECRET_ENV = "BACKSTRIDE_KEY_SECRET"
ENVIRONMENT_ENV = "BACKSTRIDE_ENV"
#: Environments where a missing secret falls back to :data:`DEV_KEY_SECRET`.
RELAXED_ENVIRONMENTS = frozenset({"dev", "test"})
#: Public on purpose: keys made with it protect nothing. Never used in production.
DEV_KEY_SECRET = "backstride-dev-only-secret-do-not-use-in-production"
#: Shorter secrets can be guessed; 32 characters of ``token_urlsafe`` is ~190 bits.
MIN_SECRET_LENGTH = 32

#: Bumped if the derivation ever changes, so old and new keys can never collide.
_DOMAIN = b"backstride.user_key.v1"


class KeySecretError(RuntimeError):
    """The key secret is missing or unusable; the message says what to do."""


def user_key(channel: str, sender_id: str, secret: Union[str, bytes]) -> str:
    """The runner's pseudonymous key: 64 lowercase hex characters."""
    if not channel or not sender_id:
        raise ValueError("user_key needs a channel and a sender id")
    if not secret:
        raise ValueError("user_key needs a non-empty secret")
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    channel_bytes = channel.encode("utf-8")
    # Length-prefixing the channel makes ("ab", "c") and ("a", "bc") different.
    message = b"%s\x00%d:%s%s" % (_DOMAIN, len(channel_bytes), channel_bytes, sender_id.encode("utf-8"))
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_secret(environ: Optional[Mapping[str, str]] = None) -> str:
    """The secret from the environment, or a :class:`KeySecretError` that explains."""
    env = os.environ if environ is None else environ
    secret = env.get(SECRET_ENV, "")
    environment = env.get(ENVIRONMENT_ENV, "").strip().lower()
    relaxed = environment in RELAXED_ENVIRONMENTS
    if not secret:
        if relaxed:
            logger.warning(
                "%s is not set; using the public development secret (%s=%s). "
                "Keys made now will not match production keys.", SECRET_ENV, ENVIRONMENT_ENV, environment,
            )
            return DEV_KEY_SECRET
        raise KeySecretError(
            f"{SECRET_ENV} is not set. Backstride stores assessments under a keyed hash of "
            f"the sender id and will not start without the key. Create one with "
            f"`python -m backstride.store.keys`, keep it with your other secrets, and set it "
            f"in the environment of the action server (set {ENVIRONMENT_ENV}=dev to use a "
            f"public development secret instead, never in production)."
        )
    if secret == DEV_KEY_SECRET and not relaxed:
        raise KeySecretError(
            f"{SECRET_ENV} is the public development secret; set a private one "
            f"(`python -m backstride.store.keys`) or {ENVIRONMENT_ENV}=dev."
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise KeySecretError(
            f"{SECRET_ENV} is {len(secret)} characters long; use at least {MIN_SECRET_LENGTH} "
            f"random characters (`python -m backstride.store.keys`)."
        )
    return secret


def new_secret() -> str:
    return secrets.token_urlsafe(48)


if __name__ == "__main__":
    print(new_secret())
