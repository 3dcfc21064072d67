"""Kept pages (scheduler/pagecache.py): served from a worker's memory while nothing they
could show has changed, and rendered anew after any committed change, whatever wrote it."""

import re

import pytest
import sqlalchemy as sa

from scheduler import pagecache
from scheduler.extensions import db as _db
from scheduler.pagecache import PageVersion


class Statements:
    """Counts the SQL statements the app runs (a kept page needs only the sign-in's and the
    version's)."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def _statements(app, client, path: str) -> tuple[int, str]:
    with app.app_context():
        engine = _db.engine
    with Statements(engine) as seen:
        response = client.get(path)
    assert response.status_code == 200
    return seen.count, response.get_data(as_text=True)


def _version(app) -> int:
    return _db.session.scalar(sa.select(PageVersion.version))


@pytest.fixture
def meeting_page(auth, make_meeting):
    auth.login("coordinator", locale="zh")
    meeting = make_meeting(title_zh="首尔视频连线")
    return f"/meetings/{meeting.id}"


def test_a_page_is_kept_until_a_change_is_committed(app, client, meeting_page):
    client.get(meeting_page)  # the session's form token is made here
    first, page = _statements(app, client, meeting_page)
    again, kept = _statements(app, client, meeting_page)
    assert kept == page and "首尔视频连线" in kept
    assert again <= 4
    # Raw SQL through the session, as an operator's fix would be: seen all the same.
    _db.session.execute(sa.text("UPDATE meetings SET title_zh = '釜山视频连线'"))
    _db.session.commit()
    _count, changed = _statements(app, client, meeting_page)
    assert "釜山视频连线" in changed and "首尔视频连线" not in changed


@pytest.mark.parametrize(
    "path",
    ["/", "/history/?status=all", "/calendar/month?date=2030-12-01", "/history/search?q=首尔"],
)
def test_every_kept_page_shows_a_committed_change(app, client, auth, make_meeting, path):
    auth.login("coordinator", locale="zh")
    make_meeting(title_zh="首尔视频连线", status="confirmed")
    client.get(path)
    _db.session.execute(sa.text("UPDATE meetings SET title_zh = '首尔视频连线（改）'"))
    _db.session.commit()
    if "search" in path:
        from scheduler.history.search.index import reindex

        reindex(_db.session.connection())
        _db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "视频连线（改）" in page


def test_a_rolled_back_change_keeps_the_version(app, client, meeting_page):
    version = _version(app)
    _db.session.execute(sa.text("UPDATE meetings SET title_zh = '不存'"))
    _db.session.rollback()
    assert _version(app) == version
    _db.session.execute(sa.text("UPDATE meetings SET title_zh = '存'"))
    _db.session.commit()
    assert _version(app) != version


def test_writes_no_kept_page_shows_keep_the_version(app, client, meeting_page):
    """A feed's fetch count, a rate-limit hit, a webhook delivery round: written while pages
    are only read."""
    version = _version(app)
    _db.session.execute(sa.text("UPDATE feeds SET fetch_count = fetch_count + 1"))
    _db.session.execute(sa.text("DELETE FROM limit_hits"))
    _db.session.execute(sa.text("UPDATE webhook_deliveries SET attempts = attempts + 1"))
    _db.session.commit()
    assert _version(app) == version


def test_a_flash_message_is_shown_once(app, client, meeting_page):
    client.get(meeting_page)  # kept without a message
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "只显示一次的提示")]
    assert "只显示一次的提示" in client.get(meeting_page).get_data(as_text=True)
    assert "只显示一次的提示" not in client.get(meeting_page).get_data(as_text=True)


def test_each_browser_gets_its_own_form_tokens(app, csrf_app, make_user, make_meeting):
    user = make_user("coordinator", locale="zh")
    meeting = make_meeting(organizer=user)
    tokens = []
    for _browser in range(2):
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
        form = {"email": user.email, "password": "correct horse battery", "csrf_token": token}
        assert client.post("/login", data=form).status_code == 302
        page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        tokens.append(set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)))
    assert tokens[0] and tokens[1] and not tokens[0] & tokens[1]


def test_the_language_of_the_reader_is_part_of_the_key(app, client, auth, meeting_page):
    assert "会议" in client.get(meeting_page).get_data(as_text=True)
    auth.user.locale = "ko"
    _db.session.commit()
    page = client.get(meeting_page).get_data(as_text=True)
    assert 'lang="ko"' in page


def test_a_new_minute_renders_the_page_anew(app, client, meeting_page, monkeypatch):
    client.get(meeting_page)
    first, _page = _statements(app, client, meeting_page)
    monkeypatch.setattr(pagecache, "_minute", lambda: 10**9)
    later, _page = _statements(app, client, meeting_page)
    assert later == first


def test_a_plain_connection_commit_draws_a_version(app):
    """Writes outside any session (a job's own connection) are seen at their commit."""
    with app.app_context():
        before = _db.session.scalar(sa.select(PageVersion.version))
        _db.session.remove()
        with _db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE partners SET updated_at = updated_at"))
        after = _db.session.scalar(sa.select(PageVersion.version))
        _db.session.remove()
    assert after != before


def test_without_entries_nothing_is_kept(app, client, meeting_page, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_ENTRIES", 0)
    client.get(meeting_page)
    first, _page = _statements(app, client, meeting_page)
    again, _page = _statements(app, client, meeting_page)
    assert again == first
