"""Feed bodies on disk and gzip: the same bytes whichever way they are sent, never stale,
gone with the feed."""

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.feeds.cache import files
from tests.feeds_support import _fresh_feed_state, new_feed, summaries  # noqa: F401

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _at(days: float, **more) -> dict:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1), "status": "confirmed", **more}


def _stored(app) -> list[str]:
    return sorted(path.name for path in Path(app.config["FEED_CACHE_FOLDER"]).glob("*.ics*"))


@pytest.fixture
def cache_folder(app, tmp_path, monkeypatch):
    """A folder of this test's own, so the files it finds are its own."""
    monkeypatch.setitem(app.config, "FEED_CACHE_FOLDER", str(tmp_path / "feed-cache"))
    return tmp_path / "feed-cache"


def test_gzip_for_clients_that_ask_the_same_bytes(app, client, db, make_meeting, cache_folder):
    make_meeting(**_at(3, title_ko="압축 회의"))
    path = new_feed(app, "--partner", "seoul")
    plain = client.get(path)
    packed = client.get(path, headers=GZIP)
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["Content-Length"] == str(len(packed.data))
    assert packed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    etag = plain.headers["ETag"]
    assert packed.headers["ETag"] == etag[:-1] + '-gzip"'
    assert packed.headers["Last-Modified"] == plain.headers["Last-Modified"]
    assert client.get(path, headers=GZIP).data == packed.data  # made once, the same bytes


def test_gzip_refused_or_not_asked_for(app, client, db, make_meeting, cache_folder):
    make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    plain = client.get(path).data
    for header in ("gzip;q=0, identity", "identity", "br", ""):
        response = client.get(path, headers={"Accept-Encoding": header})
        assert "Content-Encoding" not in response.headers, header
        assert response.data == plain, header
    starred = client.get(path, headers={"Accept-Encoding": "*"})
    assert gzip.decompress(starred.data) == plain


def test_either_etag_revalidates(app, client, db, make_meeting, cache_folder):
    make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    plain, packed = client.get(path), client.get(path, headers=GZIP)
    for etag in (plain.headers["ETag"], packed.headers["ETag"]):
        revalidated = client.get(path, headers={**GZIP, "If-None-Match": etag})
        assert revalidated.status_code == 304 and revalidated.data == b""
        assert revalidated.headers["ETag"] == packed.headers["ETag"]
        assert "Accept-Encoding" in revalidated.headers["Vary"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    head = client.head(path, headers=GZIP)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == packed.headers["Content-Length"]


def test_a_body_missing_on_disk_is_rebuilt(app, client, db, make_meeting, cache_folder):
    make_meeting(**_at(3, title_ko="다시 만들 회의"))
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    (stored,) = _stored(app)
    for name in _stored(app):
        (cache_folder / name).unlink()
    again = client.get(path)
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _stored(app) == [stored]
    assert summaries(gzip.decompress(client.get(path, headers=GZIP).data)) == ["다시 만들 회의"]


def test_a_change_writes_a_new_body_and_old_ones_go(
    app, client, db, make_meeting, cache_folder, monkeypatch
):
    meeting = make_meeting(**_at(3, title_ko="처음 제목"))
    path = new_feed(app, "--partner", "seoul")
    client.get(path), client.get(path, headers=GZIP)
    before = _stored(app)
    assert len(before) == 2 and before[1] == before[0] + ".gz"
    meeting.title_ko = "바뀐 제목"
    db.session.commit()
    assert summaries(client.get(path).data) == ["바뀐 제목"]
    after = _stored(app)
    assert set(before) < set(after)  # a body made a moment ago may still be being sent
    meeting.title_ko = "또 바뀐 제목"
    db.session.commit()
    monkeypatch.setattr(files, "REPLACED_GRACE_SECONDS", -1)
    assert summaries(client.get(path).data) == ["또 바뀐 제목"]
    (current,) = _stored(app)
    assert current not in after


def test_revoking_removes_the_stored_bodies(app, client, db, make_meeting, cache_folder):
    make_meeting(**_at(3))
    seoul, busan = new_feed(app, "--partner", "seoul"), new_feed(app, "--partner", "busan")
    client.get(seoul, headers=GZIP), client.get(busan)
    assert len(_stored(app)) == 3
    revoked = app.test_cli_runner().invoke(args=["feeds", "revoke", seoul])
    assert revoked.exit_code == 0, revoked.output
    (left,) = _stored(app)
    assert client.get(busan).status_code == 200 and _stored(app) == [left]
    assert client.get(seoul).status_code == 404
