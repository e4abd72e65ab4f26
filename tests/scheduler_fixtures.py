"""Fixtures of the scheduler's tests (a pytest plugin: `pytest_plugins = ["tests.scheduler_fixtures"]`)."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fake_slack import FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The Web API fake, knowing @alice and @bob (in UTC; tests move them)."""
    fake = FakeSlack().start()
    fake.users.update({"alice": {"tz": "UTC"}, "bob": {"tz": "UTC"}})
    yield fake
    fake.stop()


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="test-scheduler")
    yield pool
    pool.shutdown(wait=True)
