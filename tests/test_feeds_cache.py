"""Cached feeds are never stale: every change a feed shows (made through the services, the
ORM or bulk SQL) and the passing of time reach the next fetch; nothing else changes bytes."""

import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from scheduler.feeds.cache import invalidation, memory
from scheduler.feeds.models import FeedChangeLog, FeedChanges
from scheduler.meetings import services as meeting_services
from scheduler.meetings.models import Meeting, Participant
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner
from tests.feeds_support import _fresh_feed_state, events, new_feed, summaries  # noqa: F401


def _at(days: float, **more) -> dict:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1), "status": "confirmed", **more}


def _refetch(client, path: str, before):
    """GET *path* as a calendar client would after *before*: conditionally, by its ETag."""
    return client.get(path, headers={"If-None-Match": before.headers["ETag"]})


def test_adding_and_removing_a_participant(app, client, db, make_meeting, make_contact):
    contact = make_contact(email="park@seoul.example.kr")
    meeting = make_meeting(**_at(3, title_ko="참가 회의"))
    path = new_feed(app, "--contact", contact.email)
    empty = client.get(path)
    assert events(empty.data) == []
    participant = Participant(meeting=meeting, contact=contact)
    db.session.add(participant)
    db.session.commit()
    joined = _refetch(client, path, empty)
    assert joined.status_code == 200 and summaries(joined.data) == ["참가 회의"]
    db.session.delete(participant)
    db.session.commit()
    left = _refetch(client, path, joined)
    assert left.status_code == 200 and events(left.data) == []
    assert left.data == empty.data and left.headers["ETag"] == empty.headers["ETag"]


def test_moving_a_meeting_to_another_partner(app, client, db, make_meeting):
    meeting = make_meeting(**_at(3, title_ko="옮길 회의"))
    paths = [new_feed(app, *args) for args in (("--partner", "seoul"), ("--partner", "busan"),
                                                ("--office", "--lang", "ko"))]  # fmt: skip
    seoul, busan, office = (client.get(path) for path in paths)
    (event,) = events(seoul.data)
    assert "서울특별시" in str(event["DESCRIPTION"]) and events(busan.data) == []
    meeting.partners = [get_partner("busan")]
    db.session.commit()
    assert events(_refetch(client, paths[0], seoul).data) == []
    for path, before in ((paths[1], busan), (paths[2], office)):
        (moved,) = events(_refetch(client, path, before).data)
        description = str(moved["DESCRIPTION"])
        assert "부산광역시" in description and "서울특별시" not in description, path
        assert moved.decoded("DTSTAMP") >= event.decoded("DTSTAMP")


def test_renaming_a_partner(app, client, db, make_meeting):
    make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    before = client.get(path)
    seoul = get_partner("seoul")
    seoul.name_ko = "서울시"
    db.session.commit()
    after = _refetch(client, path, before)
    assert after.status_code == 200
    assert "X-WR-CALNAME:시범구 외사판공실 · 서울시\r\n" in after.get_data(as_text=True)
    assert "서울시" in str(events(after.data)[0]["DESCRIPTION"])


def test_bulk_sql_changes_and_deletions(app, client, db, make_meeting):
    keep = make_meeting(**_at(3, title_ko="남는 회의"))
    gone = make_meeting(**_at(4, title_ko="지울 회의"))
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    renamed = sa.update(Meeting).where(Meeting.id == keep.id)
    db.session.execute(renamed.values(title_ko="새 이름", updated_at=datetime.now(UTC)))
    db.session.commit()
    second = _refetch(client, path, first)
    assert summaries(second.data) == ["새 이름", "지울 회의"]
    db.session.execute(sa.delete(Meeting).where(Meeting.id == gone.id))
    db.session.commit()
    assert summaries(_refetch(client, path, second).data) == ["새 이름"]


def test_an_unrelated_change_keeps_bytes_and_validators(app, client, db, make_meeting):
    make_meeting(**_at(3, title_ko="서울 회의"))
    other = make_meeting(**_at(4, title_ko="부산 회의"), partners=("busan",))
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    meeting_services.update_meeting(other, {"title_ko": "부산 회의 (변경)"})
    db.session.commit()
    again = _refetch(client, path, first)
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    memory.clear()  # another worker: no copy of the body, only the shared block cache
    rebuilt = client.get(path)
    assert rebuilt.data == first.data
    for name in ("ETag", "Last-Modified"):
        assert rebuilt.headers[name] == first.headers[name]
    assert client.head(path).headers["Content-Length"] == str(len(first.data))


def test_time_alone_moves_meetings_out_of_and_into_the_feed(app, client, db, make_meeting):
    margin = timedelta(seconds=4)
    now = datetime.now(UTC)
    ends_soon = now - timedelta(days=90) + margin
    make_meeting(title_ko="곧 지남", status="confirmed", start_dt=ends_soon - timedelta(hours=1),
                 end_dt=ends_soon)  # fmt: skip
    cancelled = make_meeting(**_at(3, title_ko="곧 빠지는 취소"))
    meeting_services.cancel(cancelled, "태풍")
    db.session.commit()
    aged = sa.update(Meeting).where(Meeting.id == cancelled.id)
    db.session.execute(aged.values(updated_at=now - timedelta(days=14) + margin))
    db.session.commit()
    starts = now + relativedelta(months=18) + margin
    make_meeting(title_ko="곧 들어옴", status="confirmed", start_dt=starts,
                 end_dt=starts + timedelta(hours=1))  # fmt: skip
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    assert summaries(first.data) == ["곧 지남", "곧 빠지는 취소"]
    assert _refetch(client, path, first).status_code == 304
    time.sleep((now + margin - datetime.now(UTC)).total_seconds() + 0.5)
    later = _refetch(client, path, first)
    assert later.status_code == 200 and summaries(later.data) == ["곧 들어옴"]


def test_changed_feed_settings_rebuild_cached_feeds(app, client, db, make_meeting):
    make_meeting(**_at(-60, title_ko="두 달 전"))
    make_meeting(**_at(3, title_ko="사흘 뒤"))
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    assert summaries(first.data) == ["두 달 전", "사흘 뒤"]
    saved = app.config.get("FEED_DAYS_BACK", 90)
    app.config["FEED_DAYS_BACK"] = 30
    try:
        shorter = _refetch(client, path, first)
    finally:
        app.config["FEED_DAYS_BACK"] = saved
    assert shorter.status_code == 200 and summaries(shorter.data) == ["사흘 뒤"]
    assert client.get(path).data == first.data


def test_a_partner_renamed_by_bulk_sql(app, client, db):
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    db.session.execute(sa.update(Partner).where(Partner.slug == "seoul").values(name_ko="서울"))
    db.session.commit()
    assert "· 서울\r\n" in _refetch(client, path, first).get_data(as_text=True)


def test_renaming_a_staff_member_reaches_events_and_titles(app, client, db, make_meeting):
    meeting = make_meeting(**_at(3))
    organizer = meeting.organizer
    partner_feed = new_feed(app, "--partner", "seoul")
    own_feed = new_feed(app, "--user", organizer.email, "--lang", "ko") + "?lang=ko"
    paths = (partner_feed, own_feed)
    before = [client.get(path) for path in paths]
    organizer.name_ko = "새 담당자"
    db.session.commit()
    after = [_refetch(client, path, old) for path, old in zip(paths, before, strict=True)]
    for response in after:
        assert response.status_code == 200
        (event,) = events(response.data)
        assert event["ORGANIZER"].params["CN"] == "새 담당자"
    assert "X-WR-CALNAME:시범구 외사판공실 · 새 담당자\r\n" in after[1].get_data(as_text=True)


def test_a_sign_in_or_settings_change_no_feed(app, client, db, make_meeting):
    meeting = make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    before = client.get(path)
    generation = db.session.scalar(sa.select(FeedChanges.generation))
    meeting.organizer.last_login_at = datetime.now(UTC)
    meeting.organizer.timezone = "Asia/Seoul"
    db.session.commit()
    assert db.session.scalar(sa.select(FeedChanges.generation)) == generation
    assert _refetch(client, path, before).status_code == 304


def _log_after(db, generation: int) -> list[tuple]:
    log = FeedChangeLog.__table__
    query = sa.select(log.c.generation, log.c.meeting_id).where(log.c.generation > generation)
    return [tuple(row) for row in db.session.execute(query.order_by(log.c.id))]


def test_each_raise_is_logged_with_its_meetings_or_anything(db, make_meeting, make_contact):
    meeting, contact = make_meeting(**_at(3)), make_contact()
    start = db.session.scalar(sa.select(FeedChanges.generation))
    meeting.title_ko = "바뀐 제목"
    db.session.commit()
    get_partner("seoul").name_ko = "서울시"
    db.session.commit()
    db.session.add(Participant(meeting=meeting, contact=contact))
    db.session.commit()
    assert _log_after(db, start) == [(start + 1, meeting.id), (start + 2, None),
                                     (start + 3, meeting.id)]  # fmt: skip


def _change_behind_the_session(db, meeting, title: str) -> None:
    """Raw SQL that no hook sees (the documented way out is mark_changed)."""
    table = Meeting.__table__
    db.session.connection().execute(
        sa.update(table).where(table.c.id == meeting.id)
        .values(title_ko=title, updated_at=datetime.now(UTC))
    )  # fmt: skip


def _two_changes(app, client, db, make_meeting):
    """A fetched feed of two meetings; then one changed through the ORM (logged) and the
    other behind the session's back (not logged). Returns (path, the first response)."""
    first = make_meeting(**_at(3, title_ko="첫 회의"))
    second = make_meeting(**_at(4, title_ko="둘째 회의"))
    path = new_feed(app, "--partner", "seoul")
    before = client.get(path)
    _change_behind_the_session(db, second, "몰래 바꾼 제목")
    first.title_ko = "바뀐 첫 회의"
    db.session.commit()
    return path, before


def test_after_a_change_only_the_logged_meetings_are_read_again(app, client, db, make_meeting):
    path, before = _two_changes(app, client, db, make_meeting)
    after = _refetch(client, path, before)
    assert summaries(after.data) == ["바뀐 첫 회의", "둘째 회의"]  # second was not re-read
    invalidation.mark_changed(db.session)
    db.session.commit()
    assert summaries(_refetch(client, path, after).data) == ["바뀐 첫 회의", "몰래 바꾼 제목"]


def test_a_worker_whose_generation_left_the_log_reads_everything(app, client, db, make_meeting):
    path, before = _two_changes(app, client, db, make_meeting)
    db.session.connection().execute(sa.delete(FeedChangeLog.__table__))  # pruned
    db.session.commit()
    after = _refetch(client, path, before)
    assert summaries(after.data) == ["바뀐 첫 회의", "몰래 바꾼 제목"]


def test_another_worker_without_the_rows_reads_everything(app, client, db, make_meeting):
    path, before = _two_changes(app, client, db, make_meeting)
    memory.clear()
    assert summaries(_refetch(client, path, before).data) == ["바뀐 첫 회의", "몰래 바꾼 제목"]
