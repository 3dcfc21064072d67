"""The store of rate-limit counts: one small interface, a database and a Redis implementation.

A limit asks two things of its store: how many events *key* had in the last *window*
(`count`), and to count one more (`hit`). Callers read before they write, and write nothing once
a key is over its limit, so a blocked guesser causes no writes at all. Keys are hashes
(`limit_key`): no e-mail or address is kept in clear, and every key has the same short length
whatever an attacker sends.

`DatabaseStore` (the default) writes rows in the request's transaction and marks the request to
keep them even when it answers 401, 404 or 429 (`keep_changes`); the periodic purge deletes
expired rows. `RedisStore` (REDIS_URL set) keeps a sorted set of timestamps per key with a TTL
of its window, so nothing needs purging.
"""

import hashlib
import math
import secrets
import time
from datetime import timedelta
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.limits.models import LimitHit
from scheduler.transaction import keep_changes


def limit_key(kind: str, *parts: str) -> str:
    """The key of *kind* (e.g. ``login-pair``) for *parts* (an e-mail, an address...)."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"{kind}:{digest[:40]}"


class LimitStore(Protocol):
    def count(self, key: str, window: timedelta) -> int:
        """Events counted under *key* in the last *window*."""

    def hit(self, key: str, window: timedelta) -> None:
        """Count one event under *key*, remembered for *window*."""

    def clear(self, key: str) -> None:
        """Forget every event of *key* (e.g. a pair's failures after a good sign-in)."""

    def purge(self) -> int:
        """Delete what no window counts any more; the number of events deleted."""


class DatabaseStore:
    """Counts as `LimitHit` rows, shared through the database (the default)."""

    def count(self, key: str, window: timedelta) -> int:
        since = now_utc() - window
        query = sa.select(sa.func.count()).where(LimitHit.key == key, LimitHit.at >= since)
        return db.session.scalar(query)

    def hit(self, key: str, window: timedelta) -> None:
        now = now_utc()
        db.session.add(LimitHit(key=key, at=now, expires_at=now + window))
        _keep()

    def clear(self, key: str) -> None:
        db.session.execute(sa.delete(LimitHit).where(LimitHit.key == key))
        _keep()

    def purge(self) -> int:
        result = db.session.execute(sa.delete(LimitHit).where(LimitHit.expires_at < now_utc()))
        return result.rowcount


def _keep() -> None:
    """A count must survive the request's error answer (401, 404, 429)."""
    if has_request_context():
        keep_changes()


class RedisStore:
    """Counts as one sorted set of timestamps per key, expiring with its window."""

    def __init__(self, client, prefix: str):
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str) -> "RedisStore":
        import redis  # only deployments with REDIS_URL need the connection pool

        return cls(redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5), prefix)

    def _name(self, key: str) -> str:
        return self._prefix + key

    def count(self, key: str, window: timedelta) -> int:
        since = time.time() - window.total_seconds()
        return int(self._client.zcount(self._name(key), since, "+inf"))

    def hit(self, key: str, window: timedelta) -> None:
        name, now, seconds = self._name(key), time.time(), window.total_seconds()
        with self._client.pipeline() as pipe:  # MULTI/EXEC: the key never lives without a TTL
            pipe.zremrangebyscore(name, "-inf", now - seconds)
            pipe.zadd(name, {f"{now:.6f}:{secrets.token_hex(4)}": now})
            pipe.expire(name, math.ceil(seconds) + 1)
            pipe.execute()

    def clear(self, key: str) -> None:
        self._client.delete(self._name(key))

    def purge(self) -> int:
        return 0  # every key carries the TTL of its window


def init_limits(app: Flask) -> None:
    """Choose the app's store: Redis when REDIS_URL is set, else the database."""
    url = app.config.get("REDIS_URL")
    prefix = app.config.get("REDIS_KEY_PREFIX", "cnkr-scheduler:limits:")
    app.extensions["limit_store"] = RedisStore.from_url(url, prefix) if url else DatabaseStore()


def limit_store() -> LimitStore:
    """The current app's store (see `init_limits`)."""
    return current_app.extensions["limit_store"]
