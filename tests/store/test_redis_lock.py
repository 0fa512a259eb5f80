"""The atomic Redis lock store against a real Redis (``make test-replicas`` runs it
inside ``scripts/redis.sh``, which sets REDIS_HOST, REDIS_PORT and REDIS_PASSWORD).

Two store objects stand for two Rasa replicas. Each test makes the second one
change the lock between the first one's read and its write, the moment at which
Rasa's own RedisLockStore loses an update.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Iterator

import pytest
from rasa.core.lock_store import RedisLockStore

from backstride.store.redis_lock import AtomicRedisLockStore

pytestmark = pytest.mark.replicas


def redis_settings() -> dict:
    if not os.environ.get("REDIS_PASSWORD"):
        pytest.fail("REDIS_PASSWORD is not set: run inside scripts/redis.sh (make test-replicas)", pytrace=False)
    return dict(host=os.environ.get("REDIS_HOST", "127.0.0.1"), port=int(os.environ.get("REDIS_PORT", "6390")),
                password=os.environ["REDIS_PASSWORD"], db=1, key_prefix="locktest")


@pytest.fixture
def conversation() -> Iterator[str]:
    conversation_id = f"lock-{uuid.uuid4().hex[:10]}"
    yield conversation_id
    RedisLockStore(**redis_settings()).delete_lock(conversation_id)


def interleave(store: RedisLockStore, other: RedisLockStore, conversation_id: str) -> None:
    """Make ``other`` issue a ticket while ``store`` is between reading and writing the lock."""
    create = store.create_lock

    def create_after_the_other(cid: str):
        store.create_lock = create
        other.issue_ticket(cid)
        return create(cid)

    store.create_lock = create_after_the_other  # type: ignore[method-assign]


def ticket_numbers(store: RedisLockStore, conversation_id: str) -> list[int]:
    lock = store.get_lock(conversation_id)
    return [ticket.number for ticket in lock.tickets] if lock else []


def test_rasas_own_store_gives_two_replicas_the_same_ticket(conversation):
    """Why the project does not use ``type: redis``: the race it fixes is real."""
    first, second = RedisLockStore(**redis_settings()), RedisLockStore(**redis_settings())
    interleave(first, second, conversation)
    assert first.issue_ticket(conversation) == 0
    assert ticket_numbers(second, conversation) == [0]  # the other replica's ticket 0 was overwritten


def test_two_replicas_get_different_tickets(conversation):
    first, second = AtomicRedisLockStore(**redis_settings()), AtomicRedisLockStore(**redis_settings())
    interleave(first, second, conversation)
    assert first.issue_ticket(conversation) == 1
    assert ticket_numbers(second, conversation) == [0, 1]


def test_cleanup_keeps_a_ticket_issued_meanwhile_and_deletes_an_empty_lock(conversation):
    first, second = AtomicRedisLockStore(**redis_settings()), AtomicRedisLockStore(**redis_settings())
    mine = first.issue_ticket(conversation)
    theirs = second.issue_ticket(conversation)
    first.cleanup(conversation, mine)
    assert ticket_numbers(second, conversation) == [theirs]
    assert not second.get_lock(conversation).is_locked(theirs)  # their turn now
    second.cleanup(conversation, theirs)
    assert second.get_lock(conversation) is None


def test_the_lock_is_served_in_ticket_order(conversation):
    first, second = AtomicRedisLockStore(**redis_settings()), AtomicRedisLockStore(**redis_settings())

    async def hold_while_another_replica_waits() -> int:
        async with first.lock(conversation, wait_time_in_seconds=0.05) as lock:
            assert lock.now_serving == 0
            waiting = second.issue_ticket(conversation)
            assert second.get_lock(conversation).is_locked(waiting)
        return waiting

    waiting = asyncio.run(hold_while_another_replica_waits())
    assert not second.get_lock(conversation).is_locked(waiting)
    second.cleanup(conversation, waiting)
    assert first.get_lock(conversation) is None
