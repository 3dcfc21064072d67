"""From the slot finder to a poll: tick suggestions, "ask the partner which suits them"
makes a draft with the search's people, partner and zone (the "use this time" path), then the
poll form opens with the ticked times; their scores break ties in the ranking."""

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from scheduler.meetings.models import Meeting
from scheduler.slots.picks import decode_picks, encode_pick
from scheduler.timefmt import to_local_naive
from tests.polls_support import TIMES, form_data, propose, the_poll
from tests.test_booking_handoff import _form

CN, KR = "Asia/Shanghai", "Asia/Seoul"


@pytest.fixture
def two_sides(make_user, make_contact):
    return make_user("coordinator", timezone=CN), make_contact("busan", timezone=KR)


def _search(client, *keys):
    query = {"participants": list(keys), "first_day": "2030-12-02", "last_day": "2030-12-03"}
    query |= {"duration": "60", "buffer": "0", "notice": "0", "room_id": "0", "emails": ""}
    return client.get("/meetings/find-a-time", query_string=query).get_data(as_text=True)


def _hidden(html: str, name: str) -> list[str]:
    return [unescape(v) for v in re.findall(rf'type="hidden" name="{name}" value="([^"]*)"', html)]


def test_ticked_suggestions_become_a_draft_and_the_poll_forms_times(auth, client, db, two_sides):
    user, contact = two_sides
    auth.login("coordinator", locale="zh")
    keys = [f"user:{user.id}", f"contact:{contact.id}"]
    page = _search(client, *keys)
    picks = re.findall(r'name="pick" value="([^"]*)"', page)
    assert len(picks) >= 4 and "请合作方选择合适的时间" in page
    args = {"pick": picks[1:4], "timezone": _hidden(page, "timezone")[0], "people": keys,
            "partner": _hidden(page, "partner"), "back": "/meetings/find-a-time"}  # fmt: skip
    asked = client.get("/meetings/find-a-time/ask", query_string=args)
    assert asked.status_code == 303
    link = asked.headers["Location"]
    query = parse_qs(urlsplit(link).query)
    assert (query["timezone"], query["people"], query["partner"]) == ([CN], keys, ["busan"])
    assert sorted(query["poll_time"]) == sorted(picks[1:4])
    form_page = client.get(link).get_data(as_text=True)
    assert "请保存此会议草稿，随后即可向相关人员征询您勾选的时间。" in form_page
    saved = client.post(link, data=_form(participants=keys))
    assert saved.status_code == 302
    meeting = db.session.scalars(db.select(Meeting).order_by(Meeting.id.desc())).first()
    assert meeting.status == "draft"
    assert [p.slug for p in meeting.partners] == ["busan"]
    poll_form = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert urlsplit(saved.headers["Location"]).path == f"/meetings/{meeting.id}/poll/new"
    assert "您在查找时间中勾选的时间已填入下方，仍可修改。" in poll_form
    suggested = _hidden(poll_form, "suggested")
    assert sorted(suggested) == sorted(picks[1:4])
    starts = re.findall(r'id="starts-\d" name="starts-\d"[^>]*value="([^"]*)"', poll_form)
    wanted = [to_local_naive(p.start, CN).isoformat(timespec="minutes")
              for p in decode_picks(picks[1:4])]  # fmt: skip
    assert [s for s in starts if s] == wanted


def test_fewer_than_two_ticks_go_back_with_the_reason(auth, client, two_sides):
    user, contact = two_sides
    auth.login("coordinator", locale="ko")
    back = "/meetings/find-a-time?first_day=2030-12-02"
    pick = encode_pick(
        datetime(2030, 12, 2, 1, tzinfo=UTC), datetime(2030, 12, 2, 2, tzinfo=UTC), 3
    )
    response = client.get(
        "/meetings/find-a-time/ask", query_string={"pick": [pick, "x~y~z"], "back": back}
    )
    assert (response.status_code, response.headers["Location"]) == (303, back)
    page = client.get(back).get_data(as_text=True)
    assert "후보 시간을 2개 이상 입력하세요." in page
    outside = client.get(
        "/meetings/find-a-time/ask", query_string={"back": "https://evil.example/"}
    )
    assert outside.headers["Location"] == "/"


def test_the_finder_score_breaks_ties_in_the_ranking(client, auth, draft):
    auth.login(locale="en")
    starts = [datetime(2030, 12, 10, 6, 30), datetime(2030, 12, 11, 2), datetime(2030, 12, 12, 7)]
    ends = [datetime(2030, 12, 10, 8), datetime(2030, 12, 11, 3), datetime(2030, 12, 12, 8)]
    scores = [40, 25, 10]
    suggested = [encode_pick(s.replace(tzinfo=UTC), e.replace(tzinfo=UTC), n)
                 for s, e, n in zip(starts, ends, scores, strict=True)]  # fmt: skip
    url = f"/meetings/{draft['meeting_id']}/poll/new"
    assert (
        client.post(url, data={**form_data(draft, TIMES), "suggested": suggested}).status_code
        == 302
    )
    poll = the_poll(draft)
    assert [c.finder_score for c in poll.candidates] == [40, 25, 10]
    page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    ranks = [re.search(rf'id="poll-candidate-{c.id}">.*?Rank (\d)', page, re.S).group(1)
             for c in poll.candidates]  # fmt: skip
    assert ranks == ["3", "2", "1"]


def test_times_typed_by_hand_rank_after_suggested_ones_then_by_time(client, auth, draft):
    auth.login(locale="en")
    assert propose(client, draft).status_code == 302
    poll = the_poll(draft)
    assert [c.finder_score for c in poll.candidates] == [None, None, None]
    page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    ranks = [re.search(rf'id="poll-candidate-{c.id}">.*?Rank (\d)', page, re.S).group(1)
             for c in poll.candidates]  # fmt: skip
    assert ranks == ["1", "2", "3"]
