"""The repository, migration and erasure checks against a real PostgreSQL server.

Run inside ``scripts/postgres.sh run -- .venv/bin/python -m pytest -q -m postgres``
(``make test`` does), which starts a throwaway cluster on 127.0.0.1 and sets
``TEST_POSTGRES_URL``. Without it these tests fail rather than skip: the
PostgreSQL path is part of what ``make test`` promises.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

from tests.store import scenarios as s

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "TEST_POSTGRES_URL is not set. Run these tests inside the test server: "
            "scripts/postgres.sh run -- .venv/bin/python -m pytest -q -m postgres",
            pytrace=False,
        )
    if make_url(url).get_backend_name() != "postgresql":
        pytest.fail(f"TEST_POSTGRES_URL must be a postgresql:// URL, got {make_url(url)!r}", pytrace=False)
    return url


@pytest.fixture
def url(postgres_url):
    s.reset(postgres_url)
    yield postgres_url
    s.reset(postgres_url)


@pytest.mark.parametrize("check", s.ALL_CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
def test_on_postgres(check, url):
    check(url)


def test_the_database_is_really_postgres(url):
    from sqlalchemy import text

    from backstride.store.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version()")).scalar_one().startswith("PostgreSQL")
    engine.dispose()
