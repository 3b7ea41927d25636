"""Scale-out: two app processes share the login rate limit through Redis (and not without it)."""

import os
import socket
import uuid

import pytest

from tests import factories
from tests.instances import Browser, Instance

REDIS_URL = os.environ.get("KARIER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_required():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("Redis is required on CI")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


def _two_hosts(database_url, tmp_path, **config):
    return [Instance(database_url, str(tmp_path / name), **config) for name in ("a", "b")]


def _failures_until_blocked(hosts, email) -> list[int]:
    person = Browser(hosts[0].url)
    statuses = []
    for attempt in range(6):
        host = hosts[attempt % 2].url
        person.get("/masuk", base_url=host)
        status, _ = person.post(
            "/masuk", {"identifier": email, "password": "salah-terus"}, base_url=host
        )
        statuses.append(status)
    return statuses


def test_login_failures_are_counted_across_hosts_with_redis(app, redis_required, _schema, tmp_path):
    org = factories.small_org()
    hosts = _two_hosts(
        _schema,
        tmp_path,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=f"karier-test-{uuid.uuid4().hex[:8]}",
    )
    try:
        assert _failures_until_blocked(hosts, org.staff_a1.email) == [422] * 5 + [429]
        # A session made on host a is valid on host b (shared secret key and database).
        person = Browser(hosts[0].url)
        assert person.login(org.staff_b1.email, "rahasia-uji-123") == 303
        assert person.get("/", base_url=hosts[1].url)[0] == 200
    finally:
        for host in hosts:
            host.stop()


def test_without_shared_storage_each_host_counts_alone(app, _schema, tmp_path):
    """The control experiment: memory storage does not share, which is why production uses Redis."""
    org = factories.small_org()
    hosts = _two_hosts(_schema, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    try:
        assert _failures_until_blocked(hosts, org.staff_a1.email) == [422] * 6
    finally:
        for host in hosts:
            host.stop()
