"""Proposing times for a draft meeting: a good proposal is saved, audited and mailed; each
kind of bad input gets a translated error and saves nothing."""

import pytest

from scheduler.audit.models import AuditEntry
from tests.conftest import count
from tests.invites_support import outbox_rows
from tests.polls_support import TIMES, form_data, propose, the_poll


def test_form_offers_the_participants(client, auth, draft):
    auth.login()
    page = client.get(f"/meetings/{draft['meeting_id']}/poll/new").get_data(as_text=True)
    assert page.count('type="checkbox" name="people"') == 3
    assert 'name="starts-7"' in page and 'name="starts-8"' not in page


def test_a_good_proposal_is_saved_audited_and_mailed(client, auth, draft):
    auth.login()
    response = propose(client, draft)
    assert (response.status_code, response.headers["Location"]) == (
        302, f"/meetings/{draft['meeting_id']}",
    )  # fmt: skip
    poll = the_poll(draft)
    assert poll.status == "open"
    assert [c.start_dt.isoformat() for c in poll.candidates] == [
        "2030-12-10T06:30:00+00:00", "2030-12-11T02:00:00+00:00", "2030-12-12T07:00:00+00:00",
    ]  # fmt: skip
    assert [i.participant_id for i in poll.invitees] == [draft["kim"], draft["li"]]
    assert poll.closes_at.isoformat() == "2030-12-05T16:00:00+00:00"  # midnight in Changchun
    assert count(AuditEntry, AuditEntry.object_type == "polls", AuditEntry.action == "create") == 1
    assert count(AuditEntry, AuditEntry.action == "poll_opened") == 1
    assert count(AuditEntry, AuditEntry.object_type == "poll_candidates") == 3
    mails = outbox_rows("poll_request")
    assert sorted(m.recipient for m in mails) == sorted([draft["kim_email"], draft["li_email"]])
    page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    assert 'id="poll-grid"' in page and 'id="action-propose-times"' not in page


def test_check_shows_each_times_warnings_and_saves_nothing(client, auth, draft):
    auth.login(locale="en")
    # 2030-10-01 is China's National Day; 22:00 Changchun is outside Li's working hours.
    times = (("2030-10-01T10:00", "2030-10-01T11:00"), ("2030-12-10T22:00", "2030-12-10T23:00"))
    response = propose(client, draft, times=times, closes_on="2030-09-20", action="check")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "China: National Day" in page
    assert "李明: outside working hours (22:00–23:00 Changchun)" in page
    assert the_poll(draft) is None and outbox_rows("poll_request") == []


BAD = [
    ({"times": TIMES[:1]}, "至少提出 2 个时间。"),
    ({"times": TIMES * 3}, "最多提出 8 个时间。"),
    ({"times": (("2020-12-10T14:30", "2020-12-10T16:00"), *TIMES[1:])}, "时间 1 已经过去。"),
    ({"times": (*TIMES, TIMES[0])}, "时间 1 和时间 4 重叠。"),
    ({"times": (*TIMES, ("2030-12-10T15:30", "2030-12-10T17:00"))}, "时间 1 和时间 4 重叠。"),
    ({"times": (TIMES[0], ("2030-12-11T10:00", ""))}, "请为时间 2 同时填写开始和结束时间。"),
    ({"times": (TIMES[0], ("2030-12-11T10:00", "2030-12-11T09:00"))}, "结束时间须晚于开始时间。"),
    ({"people": ()}, "请至少选择一位征询对象。"),
    ({"people": ("kim", "silent")}, "金英姬没有电子邮件地址，无法征询。"),
    ({"closes_on": "2020-01-01"}, "截止日期已过。"),
    ({"closes_on": "2030-12-10"}, "征询须在第一个备选时间当天之前截止。"),
    ({"closes_on": ""}, "此项为必填项。"),
]


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_input_is_refused_with_a_translated_error_and_saves_nothing(
    client, auth, draft, changes, message
):
    auth.login(locale="zh")
    response = propose(client, draft, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert the_poll(draft) is None
    assert outbox_rows("poll_request") == []
    assert count(AuditEntry, AuditEntry.object_type == "polls") == 0


def test_only_drafts_and_one_open_poll_at_a_time(client, auth, draft):
    auth.login(locale="zh")
    assert propose(client, draft).status_code == 302
    again = propose(client, draft)
    assert again.status_code == 409
    assert "该会议已有进行中的时间征询。" in again.get_data(as_text=True)


def test_a_person_of_another_meeting_is_not_found(client, auth, draft, make_meeting):
    auth.login()
    data = form_data(draft)
    data["people"] = [draft["kim"], 999999]
    response = client.post(f"/meetings/{draft['meeting_id']}/poll/new", data=data)
    assert response.status_code == 400  # not a choice offered
    assert the_poll(draft) is None


def test_viewers_cannot_propose(client, auth, draft):
    auth.login(role="viewer")
    assert propose(client, draft).status_code == 403
    assert the_poll(draft) is None
