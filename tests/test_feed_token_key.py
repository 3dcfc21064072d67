"""The feed-token key: derived from SECRET_KEY under a label unless FEED_TOKEN_KEY is set, and
links whose hash an earlier version stored under SECRET_KEY itself keep working (rehashed)."""

import hashlib
import hmac

import sqlalchemy as sa

from scheduler.feeds.models import Feed
from scheduler.feeds.tokens import (
    FEED_KEY_LABEL,
    feed_token_key,
    find_active_feed,
    legacy_token_hash,
    new_token,
    token_hash,
)
from tests.feeds_support import _fresh_feed_state, new_feed  # noqa: F401

TOKEN = "A" * 43


def _hmac_hex(key, token: str) -> str:
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _token(path: str) -> str:
    return path.removeprefix("/calendars/").removesuffix(".ics")


def _current_hash(app, token: str) -> str:
    with app.app_context():
        return token_hash(token)


def _store_as_before(app, db, token: str) -> Feed:
    """Put the hash an earlier version stored (HMAC keyed by SECRET_KEY itself) on the feed."""
    feed = db.session.scalar(sa.select(Feed).where(Feed.token_hash == _current_hash(app, token)))
    feed.token_hash = _hmac_hex(app.config["SECRET_KEY"], token)
    db.session.commit()
    return feed


def _stored_hash(db, feed_id: int) -> str:
    return db.session.scalar(sa.select(Feed.token_hash).where(Feed.id == feed_id))


def test_the_key_is_derived_from_secret_key_under_a_label(app):
    secret = app.config["SECRET_KEY"]
    with app.app_context():
        key = feed_token_key()
        assert key == hmac.new(secret.encode(), FEED_KEY_LABEL, hashlib.sha256).digest()
        assert key != secret.encode()
        assert token_hash(TOKEN) == _hmac_hex(key, TOKEN) != _hmac_hex(secret, TOKEN)
        assert legacy_token_hash(TOKEN) == _hmac_hex(secret, TOKEN)
    app.config["SECRET_KEY"] = "another-secret-key-of-32-bytes!!"
    try:
        with app.app_context():
            assert feed_token_key() != key  # a new SECRET_KEY also means new feed links
    finally:
        app.config["SECRET_KEY"] = secret


def test_feed_token_key_when_set_keys_the_hash_itself_as_before(app):
    app.config["FEED_TOKEN_KEY"] = "a separate feed key"
    try:
        with app.app_context():
            assert feed_token_key() == b"a separate feed key"
            assert token_hash(TOKEN) == _hmac_hex("a separate feed key", TOKEN)
            assert legacy_token_hash(TOKEN) is None  # hashes under FEED_TOKEN_KEY never changed
    finally:
        app.config["FEED_TOKEN_KEY"] = ""


def test_a_link_stored_under_the_old_hash_still_works_and_is_rehashed(app, client, db):
    path = new_feed(app, "--partner", "seoul")
    token = _token(path)
    feed = _store_as_before(app, db, token)
    assert client.get(path).status_code == 200
    assert _stored_hash(db, feed.id) == _current_hash(app, token)  # rehashed by that fetch
    assert client.get(path).status_code == 200  # and found directly from now on
    assert client.get(f"/calendars/{new_token()}.ics").status_code == 404


def test_a_revoked_feed_under_the_old_hash_stays_dead(app, client, db):
    path = new_feed(app, "--partner", "seoul")
    feed = _store_as_before(app, db, _token(path))
    feed.revoked_at = feed.created_at
    db.session.commit()
    assert client.get(path).status_code == 404


def test_no_fallback_when_feed_token_key_is_set(app, client, db):
    app.config["FEED_TOKEN_KEY"] = "a separate feed key"
    try:
        path = new_feed(app, "--partner", "seoul")
        feed = _store_as_before(app, db, _token(path))
        assert client.get(path).status_code == 404
        assert _stored_hash(db, feed.id) == _hmac_hex(app.config["SECRET_KEY"], _token(path))
    finally:
        app.config["FEED_TOKEN_KEY"] = ""


def test_the_cli_finds_and_rehashes_an_old_hash_too(app, db):
    path = new_feed(app, "--partner", "seoul")
    token = _token(path)
    feed = _store_as_before(app, db, token)
    with app.app_context():
        assert find_active_feed("not a token") is None
        assert find_active_feed(new_token()) is None
    result = app.test_cli_runner().invoke(args=["feeds", "revoke", "--", token])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _stored_hash(db, feed.id) == _current_hash(app, token)
    assert db.session.get(Feed, feed.id).revoked_at is not None
