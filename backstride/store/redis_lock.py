"""Rasa's Redis lock store, with every change to a lock made atomically.

Rasa processes a conversation's messages one at a time by giving each a
ticket from a lock kept in the lock store. Rasa Open Source's
``RedisLockStore`` changes a lock by reading it, changing it in Python and
writing it back: two replicas that receive messages of the same conversation
at the same moment both read "no lock", both issue ticket 0, and both process
their message at once, so one message is lost from the tracker (seen here with
two replicas; RasaHQ/rasa#9213). This store makes each read-change-write one
optimistic Redis transaction (``WATCH``/``MULTI``/``EXEC``, retried when another
replica changed the lock in between), and deletes a lock only if nobody took a
ticket meanwhile. Same keys and format as Rasa's store, so the two can be swapped.

Referenced from ``deploy/endpoints.yml`` as
``backstride.store.redis_lock.AtomicRedisLockStore``, with the same keys as
Rasa's ``type: redis`` (``url`` is the host).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")

#: A change to one conversation's lock: the lock as stored (None if there is none)
#: -> the lock to store (None or no tickets: delete it) and a result for the caller.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        """Built by Rasa from the ``lock_store`` section (``endpoint_config``) or directly with keywords."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _transact(self, conversation_id: str, change: Change[T]) -> T:
        """Apply ``change`` to the stored lock, retrying until no one else changed it in between."""
        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None or not new_lock.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._transact(conversation_id, issue)
        except Exception as error:  # the same error as Rasa's store, which callers expect
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._transact(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def drop_ticket(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transact(conversation_id, drop_ticket)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Drop the ticket, and the lock with it once no ticket is left, in one step
        (Rasa's store checks and deletes in two, deleting a ticket issued in between)."""
        self.finish_serving(conversation_id, ticket_number)
