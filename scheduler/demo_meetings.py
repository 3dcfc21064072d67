"""Demo meetings, a monthly exchange series and a visit, relative to today.

Built through the same services staff use, so every rule (times, conflicts, audit, invites)
holds; it commits where a person would have pressed "save" twice. Runs only when there is no
meeting yet.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from scheduler.contacts.services import find_by_email
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from scheduler.meetings.series.people import add_series_participant, confirm_series
from scheduler.meetings.series.recurrence import Rule
from scheduler.meetings.series.services import cancel_occurrence, create_series, edit_occurrence
from scheduler.partners.services import get_partner
from scheduler.timefmt import localize_strict
from scheduler.visits.delegation import add_member
from scheduler.visits.services import add_itinerary_item, create_visit

ZONE = "Asia/Shanghai"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return localize_strict(datetime.combine(day, time(hour, minute)), ZONE)


def _next_weekday(today: date, weekday: int, weeks_ahead: int = 1) -> date:
    """The *weekday* (Mon=0) after today, *weeks_ahead* weeks out (1 = the coming one)."""
    days = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=days + 7 * (weeks_ahead - 1))


def _video_link(organizer, day: date, partner: str, title_zh: str, title_ko: str) -> Meeting:
    data = {
        "kind": "video_link",
        "title_zh": title_zh,
        "title_ko": title_ko,
        "start_dt": _at(day, 14, 30),
        "end_dt": _at(day, 16),
        "timezone": ZONE,
        "platform": "Tencent Meeting",
        "join_url": "https://meeting.tencent.com/dm/demo",
        "meeting_code": "512 384 906",
        "passcode": "0315",
        "host_side": "cn",
    }
    return services.create_meeting(organizer, data, [get_partner(partner)])


def _seed_single_meetings(organizer, today: date) -> None:
    confirmed = _video_link(
        organizer,
        _next_weekday(today, 1),
        "seoul",
        "中韩（长春）示范区—首尔特别市经贸合作视频连线",
        "중한(창춘) 시범구-서울특별시 경제·통상 협력 화상회의",
    )
    services.add_participant(confirmed, contact=find_by_email("minjun.kim@seoul.example.kr"))
    services.add_participant(confirmed, "host", user=organizer)
    services.confirm(confirmed)
    moved = _video_link(
        organizer,
        _next_weekday(today, 2),
        "busan",
        "釜山广域市港口物流合作会谈",
        "부산광역시 항만물류 협력 회의",
    )
    services.add_participant(moved, contact=find_by_email("junyoung.park@busan.example.kr"))
    services.make_tentative(moved)
    day = _next_weekday(today, 3)
    services.reschedule(moved, _at(day, 10), _at(day, 11, 30))
    dropped = _video_link(
        organizer,
        _next_weekday(today, 4),
        "ulsan",
        "蔚山友好城市年度工作会谈",
        "울산 자매도시 연간 업무 회의",
    )
    services.add_participant(dropped, contact=find_by_email("jaewon.yoon@ulsan.example.kr"))
    services.confirm(dropped)
    db.session.commit()  # two separate staff actions: the invite goes out, then the cancellation
    services.cancel(dropped, "韩方日程调整 / 한국 측 일정 조정")


def _seed_series(organizer, today: date) -> None:
    rule = Rule(
        freq="monthly",
        interval=1,
        start_date=_next_weekday(today, 2),
        start_time=time(10),
        duration_minutes=60,
        zone=ZONE,
        week_of_month=2,
        weekdays=("WE",),
        count=6,
    )
    data = {
        "kind": "video_link",
        "title_zh": "江原特别自治道月度工作视频例会",
        "title_ko": "강원특별자치도 월례 실무 화상회의",
        "timezone": ZONE,
        "platform": "Zoom",
        "join_url": "https://zoom.us/j/0000000000",
    }
    series = create_series(organizer, rule, data, [get_partner("gangwon")])
    add_series_participant(series, contact=find_by_email("sujin.choi@gangwon.example.kr"))
    confirm_series(series)
    db.session.commit()  # the series invite goes out before the two later changes
    second, third = sorted(series.meetings, key=lambda m: m.start_dt)[1:3]
    later = {
        "start_dt": second.start_dt + timedelta(hours=4),
        "end_dt": second.end_dt + timedelta(hours=4),
    }
    edit_occurrence(second, later)
    db.session.commit()
    cancel_occurrence(third, "春节假期 / 설 연휴")


def _seed_visit(organizer, today: date) -> None:
    first = _next_weekday(today, 0, weeks_ahead=3)
    visit = create_visit(
        organizer,
        {
            "direction": "inbound",
            "title_zh": "忠清南道代表团来访",
            "title_ko": "충청남도 대표단 방문",
            "start_date": first,
            "end_date": first + timedelta(days=2),
            "timezone": ZONE,
            "arrival_flight": "KE9827",
            "arrival_at": _at(first, 11, 20),
            "arrival_airport": "CGQ",
            "departure_flight": "KE9828",
            "departure_at": _at(first + timedelta(days=2), 13, 5),
            "departure_airport": "CGQ",
            "hotel_zh": "长春香格里拉大酒店",
            "hotel_ko": "창춘 샹그릴라 호텔",
        },
        [get_partner("chungnam")],
    )
    add_member(visit, "head", contact=find_by_email("minho.jung@chungnam.example.kr"))
    day = first + timedelta(days=1)
    add_itinerary_item(
        visit,
        organizer,
        {
            "kind": "inspection",
            "title_zh": "考察中韩（长春）国际合作示范区",
            "title_ko": "중한(창춘) 국제협력시범구 현장 시찰",
            "start_dt": _at(day, 9, 30),
            "end_dt": _at(day, 11, 30),
            "location_zh": "示范区规划展览馆",
            "location_ko": "시범구 계획전시관",
        },
    )


def seed_demo_meetings(organizer, today: date) -> int:
    """Add the demo schedule when there is no meeting yet. Returns how many meetings exist."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)):
        return 0
    _seed_single_meetings(organizer, today)
    _seed_series(organizer, today)
    _seed_visit(organizer, today)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))
