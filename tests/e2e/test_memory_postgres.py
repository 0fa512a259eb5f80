"""Memory across visits on PostgreSQL: two visits, "what do you know", and a confirmed "forget me".

Real servers (the pair of test_restart.py, ports 5506/5556) on the PostgreSQL of
`make test-postgres`, for both Rasa's tracker store and our table. The second
visit is a new Rasa session, started through the HTTP API the way Rasa starts
one after a quiet spell (``action_session_start``).
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from backstride.store.keys import DEV_KEY_SECRET, user_key
from backstride.store.migrate import upgrade
from tests.e2e.test_restart import Pair

@pytest.mark.postgres
def test_two_visits_then_forget_me_leaves_nothing_in_postgresql(tmp_path):
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run inside scripts/postgres.sh (make test-postgres)", pytrace=False)
    upgrade(url)
    engine = create_engine(url)
    pair = Pair(tmp_path, url).start()
    sender = f"memory-{uuid.uuid4().hex[:8]}"
    key = user_key("rest", sender, DEV_KEY_SECRET)  # the test servers run with BACKSTRIDE_ENV=test

    def stored() -> tuple[int, int, int]:
        with engine.connect() as connection:
            events = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
            rows = connection.execute(text("SELECT count(*) FROM assessments WHERE user_key = :k"), {"k": key}).scalar()
            leaks = connection.execute(
                text("SELECT count(*) FROM assessments WHERE CAST(facts AS TEXT) LIKE :s OR user_key LIKE :s"),
                {"s": f"%{sender}%"}).scalar()
        return events, rows, leaks

    try:
        pair.say(sender, "my lower back has hurt for 2 days and it gets worse as I run")
        assert pair.finish(sender)["triage_level"] == "stop_and_reassess"
        assert stored()[1:] == (1, 0)

        response = pair.http.post(f"{pair.url}/conversations/{sender}/execute", params={"token": pair.token},
                                  json={"name": "action_session_start"}, timeout=60)
        response.raise_for_status()
        welcome = [m.get("text", "") for m in response.json()["messages"]]
        assert welcome == ["Welcome back. Your last check with me was earlier today: lower back, stop and reassess."]

        pair.say(sender, "hi")
        assert pair.tracker(sender)["slots"]["requested_slot"] == "progress"
        pair.say(sender, "worse")
        slots = pair.finish(sender)
        assert slots["pain_duration_days"] == pytest.approx(2.0, abs=0.05)  # counted from the first report
        assert stored()[1:] == (2, 0)

        known = " ".join(m.get("text", "") for m in pair.say(sender, "what do you know about me?"))
        assert "2 past assessments" in known

        pair.say(sender, "forget me")
        done = [m.get("text", "") for m in pair.say(sender, "yes")]
        assert "deleted 2 stored assessments" in done[0]
        assert stored() == (0, 0, 0)
    finally:
        pair.stop()
        engine.dispose()
