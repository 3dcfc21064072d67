"""A change of a whole series says what changed too (issue 11, item 6): "this and following",
a series edit and a series cut short list old → new for the first date and the rule."""

import dataclasses
from datetime import date, time

import pytest

from scheduler.extensions import db
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.models import MeetingSeries
from tests.invites_support import WEEKLY, in_request, weekly_series
from tests.test_change_notices import _changes

pytestmark = pytest.mark.usefixtures("smtp_app")
DATA = {"kind": "video_link", "title_zh": "长春—首尔周会", "title_ko": "창춘-서울 주간회의",
        "status": "confirmed", "location_zh": "长春会议室",
        "location_ko": "창춘 회의실"}  # fmt: skip
ZH, KO = "变更内容（变更前 → 变更后）：", "변경 사항(변경 전 → 변경 후):"
ZH_RULE, KO_RULE = "重复方式：每周星期二，共6次会议 → ", "반복: 매주 화요일, 총 6회 → "


@pytest.fixture
def series(app, db, make_user, make_contact, mail):
    """A confirmed weekly series (Tuesdays 14:30 Changchun) with a Korean and a Chinese
    reader; first invitations delivered. Returns (series id, readers)."""
    readers = {
        "ko": make_contact(language="ko", timezone="Asia/Seoul"),
        "zh": make_user("coordinator", locale="zh", timezone="Asia/Shanghai"),
    }
    organizer = make_user("coordinator", name_zh="王芳", name_ko="왕팡")
    series_id = weekly_series(app, organizer, list(readers.values()), DATA)
    mail()
    return series_id, readers


def _row(series_id: int, index: int) -> int:
    rows = sorted(db.session.get(MeetingSeries, series_id).meetings, key=lambda m: m.start_dt)
    return rows[index].id


def _as_is(meeting, **changes) -> dict:
    """The series form's data: every shared field as it is, but *changes*."""
    return {f: getattr(meeting, f) for f in series_services.TEMPLATE_FIELDS} | changes


def _lists(received, readers) -> dict:
    result = {}
    for lang, person in readers.items():
        texts = [m.text().replace("\r\n", "\n") for m in received[person.email]]
        result[lang] = [_changes(text) for text in texts]
    return result


def test_this_and_following_moved_to_thursday_lists_the_date_and_the_rule(app, series, mail):
    series_id, readers = series
    third = _row(series_id, 2)
    rule = dataclasses.replace(WEEKLY, start_date=date(2030, 12, 19), weekdays=("TH",),
                               start_time=time(16, 0), count=4)  # fmt: skip
    in_request(app, third, lambda m: series_services.edit_following(m, rule, _as_is(m)))
    lists = _lists(mail(), readers)
    # The dates kept: the series now ends earlier. The dates moved: a series of their own.
    assert lists["zh"] == [
        [ZH, ZH_RULE + "每周星期二，至2030年12月16日"],
        [ZH,
         "时间：12月17日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间） → "
         "12月19日（周四）16:00–17:30（北京时间） / 17:00–18:30（首尔时间）",
         "重复方式：每周星期二，共6次会议 → 每周星期四，共4次会议"],
    ]  # fmt: skip
    assert lists["ko"] == [
        [KO, KO_RULE + "매주 화요일, 2030. 12. 16.까지"],
        [KO,
         "시간: 12월 17일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간) → "
         "12월 19일(목) 17:00~18:30(한국 시간) / 16:00~17:30(중국 시간)",
         "반복: 매주 화요일, 총 6회 → 매주 목요일, 총 4회"],
    ]  # fmt: skip
    moved = db.session.scalars(db.select(MeetingSeries).filter_by(split_from_id=series_id)).one()
    assert [m.status for m in moved.meetings] == ["confirmed"] * 4


def test_a_series_edit_from_the_first_date_lists_only_what_changed(app, series, mail):
    series_id, readers = series
    first = _row(series_id, 0)
    rule = dataclasses.replace(WEEKLY, start_time=time(9, 0))

    def edit(meeting):
        data = _as_is(meeting, location_zh="首尔市厅", location_ko="서울시청")
        return series_services.edit_following(meeting, rule, data)

    in_request(app, first, edit)
    lists = _lists(mail(), readers)
    assert lists["ko"] == [[
        "변경 사항(변경 전 → 변경 후):",
        "시간: 12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간) → "
        "12월 3일(화) 10:00~11:30(한국 시간) / 09:00~10:30(중국 시간)",
        "장소: 창춘 회의실 → 서울시청",
    ]]  # fmt: skip
    assert lists["zh"][0][2] == "地点：长春会议室 → 首尔市厅"


def test_cancelling_the_last_dates_lists_the_new_end(app, series, mail):
    series_id, readers = series
    fifth = _row(series_id, 4)
    in_request(app, fifth, lambda m: series_services.cancel_following(m, "연간 계획 변경"))
    lists = _lists(mail(), readers)
    assert lists["zh"] == [
        [ZH, ZH_RULE + "每周星期二，至2030年12月30日"],
    ]  # fmt: skip
    assert lists["ko"] == [
        [KO, KO_RULE + "매주 화요일, 2030. 12. 30.까지"],
    ]  # fmt: skip


def test_a_single_date_edited_inside_a_series_has_no_rule_row(app, series, mail):
    from scheduler.meetings import services

    series_id, readers = series
    second = _row(series_id, 1)
    in_request(app, second, lambda m: services.update_meeting(m, {"location_ko": "부산시청"}))
    lists = _lists(mail(), readers)
    assert lists["ko"] == [["변경 사항(변경 전 → 변경 후):", "장소: 창춘 회의실 → 부산시청"]]
