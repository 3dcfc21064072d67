"""The feed itself: /calendars/<token>.ics bytes, headers, validators, scope, window, size."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from scheduler.feeds.models import Feed
from scheduler.invites.ical import event_uid
from scheduler.meetings import services as meeting_services
from scheduler.meetings.models import Meeting, Participant
from scheduler.partners.services import get_partner
from tests.feeds_support import _fresh_feed_state, events, new_feed, summaries  # noqa: F401

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def _at(days: float = 3, **more) -> dict:
    start = NOW + timedelta(days=days)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1), "status": "confirmed", **more}


def _set_updated(db, meeting, when):
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(updated_at=when))
    db.session.commit()


def _take_part(db, meeting, **person):
    """A participant row (the lifecycle service would also queue invites: not our subject)."""
    db.session.add(Participant(meeting=meeting, **person))
    db.session.commit()


def test_partner_feed_bytes_and_headers(app, client, db, make_meeting):
    meeting = make_meeting(**_at(3, title_ko="서울 화상회의", title_zh="首尔视频会"))
    response = client.get(new_feed(app, "--partner", "seoul"))
    body = response.data
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert response.headers["Cache-Control"].startswith("private")
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\n") == body.count(b"\r\n")
    text = body.decode("utf-8")
    assert "X-WR-CALNAME:시범구 외사판공실 · 서울특별시\r\n" in text
    assert "X-WR-CALDESC:" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "METHOD" not in text and "DAYLIGHT" not in text
    (event,) = events(body)
    assert str(event["UID"]) == event_uid(meeting)
    assert str(event["SUMMARY"]) == "서울 화상회의"
    assert event["SUMMARY"].params["LANGUAGE"] == "ko"
    assert "首尔视频会" in str(event["DESCRIPTION"])  # the other language after the separator
    description = str(event["DESCRIPTION"])
    assert "(한국 시간) / " in description and "(중국 시간)" in description
    assert "（北京时间） / " in description  # the Chinese block, in its own script
    assert event.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0)


def test_language_override_and_bad_language(app, client, db, make_meeting):
    make_meeting(**_at(3, title_ko="서울 화상회의", title_zh="首尔视频会", title_en="Seoul call"))
    path = new_feed(app, "--partner", "seoul")
    chinese = client.get(path + "?lang=zh").data.decode()
    assert "X-WR-CALNAME:示范区外事办公室 · 首尔特别市\r\n" in chinese
    assert summaries(chinese.encode()) == ["首尔视频会"]
    assert summaries(client.get(path + "?lang=en").data) == ["Seoul call"]
    assert client.get(path + "?lang=xx").data == client.get(path).data
    assert client.get(path + "?lang=%00").status_code == 400  # NUL in an address: refused


def test_head_has_the_headers_without_a_body(app, client, db, make_meeting):
    make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    full, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.data == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Content-Length", "Cache-Control"):
        assert head.headers[name] == full.headers[name]


def test_bad_tokens_get_the_same_404(app, client, db):
    path = new_feed(app, "--partner", "seoul")
    token = path.removeprefix("/calendars/").removesuffix(".ics")
    unknown = "A" * 43
    bad = [f"/calendars/{unknown}.ics", f"/calendars/{token}", f"/calendars/{token}.ics.ics",
           f"/calendars/{token[:-1]}.ics", f"/calendars/{token}x.ics", "/calendars/%00.ics",
           f"/calendars/{token[:20]}%00{token[21:]}.ics", "/calendars/../../etc/passwd",
           f"/calendars/../calendars/{unknown}.ics", "/calendars/" + "x" * 5000 + ".ics",
           "/calendars/%E2%80%AE%F0%9F%98%80.ics", f"/calendars/{token.upper()}.ics"]  # fmt: skip
    bodies = set()
    for url in bad:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Content-Disposition" not in response.headers
        if response.content_type.startswith("text/plain"):
            bodies.add(response.data)
    assert bodies == {"该页面不存在。\n".encode()}
    assert client.head(f"/calendars/{unknown}.ics").status_code == 404
    assert client.get(path).status_code == 200


def test_revoked_and_rotated_links_are_dead_at_once(app, client, db, auth):
    path = new_feed(app, "--partner", "seoul")
    assert client.get(path).status_code == 200
    revoked = app.test_cli_runner().invoke(args=["feeds", "revoke", "webcal://x" + path])
    assert revoked.exit_code == 0, revoked.output
    assert client.get(path).status_code == 404
    second = new_feed(app, "--partner", "seoul")
    feed_id = db.session.scalar(sa.select(sa.func.max(Feed.id)))
    auth.login("coordinator")
    page = client.post(f"/feeds/{feed_id}/rotate").get_data(as_text=True)
    assert client.get(second).status_code == 404
    new_path = page.split("http://127.0.0.1:5000", 1)[1].split('"', 1)[0]
    assert new_path != second and client.get(new_path).status_code == 200


def test_conditional_requests(app, client, db, make_meeting):
    make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": "W/" + etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    # If-None-Match wins: a stale ETag with a fresh date is a full answer.
    stale = {"If-None-Match": '"stale"', "If-Modified-Since": modified}
    assert client.get(path, headers=stale).status_code == 200
    for garbage in ("yesterday", "Fri, 99 Nov 2099 25:61:61 GMT", "", "0", "Mon, 01 Jan 2001"):
        assert client.get(path, headers={"If-Modified-Since": garbage}).status_code == 200
    for odd in ("", '"', "W/", ",,,", "x" * 5000):
        assert client.get(path, headers={"If-None-Match": odd}).status_code == 200
    early = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(path, headers={"If-Modified-Since": early}).status_code == 200
    assert client.head(path, headers={"If-None-Match": etag}).status_code == 304


def test_bytes_are_stable_and_change_after_an_edit(app, client, db, make_meeting):
    meeting = make_meeting(**_at(3))
    path = new_feed(app, "--partner", "seoul")
    first, again = client.get(path), client.get(path)
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    meeting_services.update_meeting(meeting, {"title_ko": "바뀐 제목"})
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and summaries(changed.data) == ["바뀐 제목"]
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.headers["Last-Modified"] >= first.headers["Last-Modified"]


def test_a_removal_changes_etag_and_moves_last_modified(app, client, db, make_meeting):
    keep = make_meeting(**_at(3, title_ko="남는 회의"))
    gone = make_meeting(**_at(5, title_ko="지워질 회의"))
    old = NOW - timedelta(days=2)
    _set_updated(db, keep, old)
    path = new_feed(app, "--partner", "seoul")
    first = client.get(path)
    gone_id = gone.id
    db.session.delete(db.session.get(Meeting, gone_id))
    db.session.commit()
    after = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert after.status_code == 200 and summaries(after.data) == ["남는 회의"]
    assert after.headers["ETag"] != first.headers["ETag"]
    parse = datetime.strptime
    fmt = "%a, %d %b %Y %H:%M:%S GMT"
    assert parse(after.headers["Last-Modified"], fmt) > parse(first.headers["Last-Modified"], fmt)


def test_cancelled_meetings_stay_fourteen_days(app, client, db, make_meeting):
    recent = make_meeting(**_at(3, title_ko="최근 취소"))
    old = make_meeting(**_at(4, title_ko="오래전 취소"))
    for meeting in (recent, old):
        meeting_services.cancel(meeting, "태풍")
    db.session.commit()
    _set_updated(db, old, NOW - timedelta(days=15))
    body = client.get(new_feed(app, "--partner", "seoul")).data
    (event,) = events(body)
    assert (str(event["SUMMARY"]), str(event["STATUS"])) == ("최근 취소", "CANCELLED")
    assert event["SEQUENCE"] == recent.sequence == 1


def test_window_limits(app, client, db, make_meeting):
    for days, title in ((-89, "in-past"), (-91, "out-past"), (400, "in-future")):
        make_meeting(**_at(days, title_ko=title))
    for months, title in ((17, "in-17-months"), (19, "out-19-months")):
        start = NOW + relativedelta(months=months)
        make_meeting(title_ko=title, status="confirmed", start_dt=start,
                     end_dt=start + timedelta(hours=1))  # fmt: skip
    got = summaries(client.get(new_feed(app, "--partner", "seoul")).data)
    assert got == ["in-past", "in-future", "in-17-months"]


def test_merged_partner_includes_its_predecessors(app, client, db, make_meeting):
    merged = get_partner("jeonnam-gwangju")
    assert {p.slug for p in merged.predecessors} == {"gwangju", "jeonnam"}
    make_meeting(**_at(-30, title_ko="광주 옛 회의"), partners=("gwangju",))
    make_meeting(**_at(10, title_ko="통합 후 회의"), partners=("jeonnam-gwangju",))
    make_meeting(**_at(11, title_ko="서울 회의"), partners=("seoul",))
    assert summaries(client.get(new_feed(app, "--partner", "jeonnam-gwangju")).data) == [
        "광주 옛 회의", "통합 후 회의",
    ]  # fmt: skip
    assert summaries(client.get(new_feed(app, "--partner", "gwangju")).data) == ["광주 옛 회의"]


def test_predecessors_count_transitively(app, client, db, make_meeting):
    """A partner merged into one that was itself merged later: its history still shows."""
    get_partner("jeonnam-gwangju").successor = get_partner("seoul")  # a made-up second merger
    db.session.commit()
    make_meeting(**_at(-30, title_ko="광주 옛 회의"), partners=("gwangju",))
    make_meeting(**_at(11, title_ko="서울 회의"), partners=("seoul",))
    make_meeting(**_at(12, title_ko="부산 회의"), partners=("busan",))
    assert summaries(client.get(new_feed(app, "--partner", "seoul")).data) == [
        "광주 옛 회의", "서울 회의",
    ]  # fmt: skip


def test_passcode_and_join_url_only_for_participant_feeds(app, client, db, make_meeting,
                                                          make_contact, make_user):  # fmt: skip
    staff = make_user("coordinator", locale="zh")
    contact = make_contact(email="kim@seoul.example.kr")
    meeting = make_meeting(**_at(3, passcode="735911", join_url="https://meet.example.org/r/1"),
                           organizer=staff)  # fmt: skip
    _take_part(db, meeting, contact=contact)
    for args in (("--contact", contact.email), ("--user", staff.email)):
        (event,) = events(client.get(new_feed(app, *args)).data)
        assert "735911" in str(event["DESCRIPTION"]), args
        assert str(event["URL"]) == "https://meet.example.org/r/1"
    for args in (("--partner", "seoul"), ("--office",)):
        (event,) = events(client.get(new_feed(app, *args)).data)
        assert "735911" not in str(event["DESCRIPTION"]) and "URL" not in event, args


def test_scopes_contact_user_and_drafts(app, client, db, make_meeting, make_contact, make_user):
    staff = make_user("coordinator", locale="zh")
    contact = make_contact(email="lee@seoul.example.kr")
    mine = make_meeting(**_at(3, title_zh="我组织的", title_ko="내가 주최"), organizer=staff)
    joined = make_meeting(**_at(4, title_zh="我参加的", title_ko="참가"))
    make_meeting(**_at(5, title_zh="草稿", title_ko="초안", status="draft"), organizer=staff)
    make_meeting(**_at(6, title_zh="无关", title_ko="무관"))
    _take_part(db, joined, user=staff)
    _take_part(db, mine, contact=contact)
    assert summaries(client.get(new_feed(app, "--user", staff.email)).data) == [
        "我组织的", "我参加的", "草稿",
    ]  # fmt: skip
    assert summaries(client.get(new_feed(app, "--contact", contact.email)).data) == ["내가 주최"]
    assert "초안" not in summaries(client.get(new_feed(app, "--partner", "seoul")).data)


def _weekly_series(db, make_user):
    """A confirmed weekly series of four with Seoul, starting in a week; its rows by date."""
    from scheduler.meetings.series import services as series_services
    from scheduler.meetings.series.recurrence import Rule

    first = (NOW + timedelta(days=7)).date()
    rule = Rule(freq="weekly", interval=1, start_date=first, start_time=datetime.min.time(),
                duration_minutes=60, zone="Asia/Seoul", weekdays=(), month_day=None,
                week_of_month=None, count=4, until=None)  # fmt: skip
    rule = Rule(**{**rule.__dict__, "weekdays": (["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
                                                 [first.weekday()],)})  # fmt: skip
    data = {
        "kind": "video_link",
        "title_ko": "정례 회의",
        "title_zh": "例会",
        "status": "confirmed",
    }
    series = series_services.create_series(make_user("coordinator"), rule, data,
                                           [get_partner("seoul")])  # fmt: skip
    db.session.commit()
    return series, sorted(series.meetings, key=lambda m: m.recurrence_start)


def test_a_series_is_published_like_its_invites(app, client, db, make_user):
    from scheduler.meetings.series import services as series_services

    series, rows = _weekly_series(db, make_user)
    series_services.cancel_occurrence(rows[1], "휴일")
    moved = rows[2].start_dt + timedelta(hours=2)
    change = {"start_dt": moved, "end_dt": moved + timedelta(hours=1), "title_ko": "옮긴 회의"}
    series_services.edit_occurrence(rows[2], change)
    db.session.commit()
    master, override = events(client.get(new_feed(app, "--partner", "seoul")).data)
    assert str(master["UID"]) == str(override["UID"]) == event_uid(series)
    assert master.decoded("DTSTART") == rows[0].recurrence_start
    assert master["RRULE"]["COUNT"] == [4] and master["RRULE"]["FREQ"] == ["WEEKLY"]
    assert [d.dt for d in master["EXDATE"].dts] == [rows[1].recurrence_start]
    assert override.decoded("RECURRENCE-ID") == rows[2].recurrence_start
    assert str(override["SUMMARY"]) == "옮긴 회의" and override.decoded("DTSTART") == moved


def test_a_moved_occurrence_is_as_new_as_its_master_and_its_invite(app, client, db, make_user,
                                                                   make_contact):  # fmt: skip
    """Later changes to other dates raise the series' SEQUENCE (each update to the people must
    be newer): the moved occurrence in the feed carries the same number as its master and as
    the last invite, never its own older one."""
    from email import message_from_bytes, policy

    from icalendar import Calendar

    from scheduler.invites.outbox.models import OutboxMessage
    from scheduler.meetings.series import services as series_services

    series, rows = _weekly_series(db, make_user)
    contact = make_contact(email="kim@seoul.example.kr")
    ids = [row.id for row in rows]
    with app.app_context():  # the invites go out as in a request
        rows = [db.session.get(Meeting, meeting_id) for meeting_id in ids]
        for row in rows:
            meeting_services.add_participant(row, contact=db.session.merge(contact))
        db.session.commit()
        moved = rows[2].start_dt + timedelta(hours=2)
        change = {"start_dt": moved, "end_dt": moved + timedelta(hours=1)}
        series_services.edit_occurrence(rows[2], change)
        db.session.commit()
        for url in ("https://zoom.us/j/1", "https://zoom.us/j/2"):
            meeting_services.update_meeting(rows[1], {"join_url": url})
            db.session.commit()
    master, *overrides = events(client.get(new_feed(app, "--partner", "seoul")).data)
    assert len(overrides) == 2  # the moved date and the one with the new link
    last_invite = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.recipient == contact.email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    message = message_from_bytes(last_invite.raw, policy=policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    invited = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    sequences = {event["SEQUENCE"] for event in (master, *overrides, *invited)}
    assert len(sequences) == 1 and sequences.pop() >= 3


def test_occurrences_cut_off_a_series_are_not_published_alone(app, client, db, make_user):
    """Cancel this and following: the master ends before the cut (UNTIL), and the cut-off
    occurrences do not come back as cancelled events under UIDs no subscriber ever saw."""
    from scheduler.meetings.series import services as series_services

    series, rows = _weekly_series(db, make_user)
    cut = rows[2].recurrence_start
    series_services.cancel_following(rows[2], "연간 계획 변경")
    db.session.commit()
    (master,) = events(client.get(new_feed(app, "--partner", "seoul")).data)
    assert str(master["UID"]) == event_uid(series) and str(master["STATUS"]) == "CONFIRMED"
    assert rows[1].recurrence_start <= master["RRULE"]["UNTIL"][0] < cut
    # A meeting cancelled on its own still shows as CANCELLED for the grace period.
    single = cut + timedelta(days=30)
    meeting = Meeting(
        kind="video_link",
        status="confirmed",
        organizer=series.organizer,
        title_ko="단독 회의",
        start_dt=single,
        end_dt=single + timedelta(hours=1),
    )
    meeting.partners = [get_partner("seoul")]
    db.session.add(meeting)
    db.session.flush()
    meeting_services.cancel(meeting, "취소")
    db.session.commit()
    body = client.get(new_feed(app, "--partner", "seoul")).data
    assert [str(e["STATUS"]) for e in events(body)] == ["CONFIRMED", "CANCELLED"]


def test_ten_years_of_weekly_meetings_stay_under_one_megabyte(app, client, db, make_user):
    organizer, seoul = make_user("coordinator"), get_partner("seoul")
    start = NOW - relativedelta(years=8)
    for week in range(520):
        begins = start + timedelta(weeks=week)
        meeting = Meeting(kind="video_link", status="confirmed", organizer=organizer,
                          title_zh=f"第{week}次周例会：中韩地方政府合作交流视频连线",
                          title_ko=f"제{week}차 주간 회의: 한중 지방정부 협력 교류 화상회의",
                          agenda_zh="议程：" + "合作项目进展汇报与下一步工作安排。" * 6,
                          agenda_ko="의제: " + "협력 사업 진행 보고 및 향후 업무 계획. " * 6,
                          join_url="https://meet.example.org/weekly", platform="Zoom",
                          start_dt=begins, end_dt=begins + timedelta(hours=1))  # fmt: skip
        meeting.partners = [seoul]
        db.session.add(meeting)
    db.session.commit()
    body = client.get(new_feed(app, "--partner", "seoul")).data
    in_window = len(events(body))
    assert 90 <= in_window <= 92  # 90 days back + 18 months ahead, weekly
    assert len(body) < 1_000_000


def test_fetches_are_counted_without_a_write_per_request(app, client, db):
    path = new_feed(app, "--partner", "seoul", "--lang", "zh")
    headers = {"User-Agent": "Google-Calendar-Importer"}
    for _ in range(3):
        assert client.get(path, headers=headers).status_code == 200
    feed = db.session.scalars(sa.select(Feed).order_by(Feed.id.desc())).first()
    assert (feed.fetch_count, feed.last_user_agent) == (1, "Google-Calendar-Importer")
    assert feed.last_fetched_at is not None
    app.config["FEED_FETCH_WRITE_SECONDS"] = 0
    try:
        client.get(path, headers={"User-Agent": "Outlook"})
    finally:
        app.config["FEED_FETCH_WRITE_SECONDS"] = 300
    db.session.refresh(feed)
    assert (feed.fetch_count, feed.last_user_agent) == (4, "Outlook")
