"""A few years of plausible past exchanges, so statistics and reports mean something at once.

Video links, visits both ways with their inspections, signings and forums with the partners,
each held one with an outcome in Chinese and Korean, minutes, decisions and follow-up actions.
Past meetings are records, not invitations: they are written as drafts with their people and
then marked held, so nothing is e-mailed. Deterministic (a fixed random seed), and only run when
no meeting before today exists.
"""

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.history.follow_ups.services import create_follow_up, set_status
from scheduler.history.outcomes.services import save_outcome
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from scheduler.meetings.signals import meeting_changed
from scheduler.partners.models import Partner
from scheduler.sides import CHINA, HOST_SIDE_CODES, KOREA
from scheduler.timefmt import localize_strict
from scheduler.visits.delegation import add_member
from scheduler.visits.services import add_itinerary_item, create_visit

CN_ZONE, KR_ZONE = CHINA.zone, KOREA.zone
FIRST_DAY = date(2022, 3, 1)
SEED = 2020  # the demonstration zone's founding year

# (zh, ko, en)
TOPICS = [
    ("经贸合作", "경제·통상 협력", "trade and economic cooperation"),
    ("港口物流", "항만물류", "port logistics"),
    ("新能源汽车产业", "신에너지차(친환경차) 산업", "new-energy vehicles"),
    ("冰雪旅游", "겨울(동계) 관광", "winter tourism"),
    ("医疗健康", "의료·보건", "health care"),
    ("文化交流", "문화 교류", "cultural exchange"),
    ("青少年交流", "청소년 교류", "youth exchange"),
    ("公务员交流", "공무원 교류", "civil-servant exchange"),
    ("农业技术", "농업 기술", "agricultural technology"),
    ("数字经济", "디지털 경제", "digital economy"),
]
AGREEMENTS = [
    ("建立季度工作会商机制", "분기별 실무 협의 체계 구축"),
    ("互派公务员研修", "공무원 상호 연수 파견"),
    ("共同举办线上推介会", "온라인 설명회 공동 개최"),
    ("组织企业对接洽谈会", "기업 간 상담회 개최"),
    ("编制年度合作计划", "연간 협력 계획 수립"),
    ("互设联络窗口", "상호 연락 창구 지정"),
]
ACTIONS = [
    ("提交合作方案草案", "협력안 초안 제출"),
    ("确认下次会谈日期", "다음 회담 일정 확정"),
    ("整理并交换企业名单", "참여 기업 명단 정리 및 교환"),
    ("翻译并共享会议纪要", "회의록 번역 및 공유"),
    ("报送外事审批材料", "외사 승인 서류 제출"),
]
# kind: (title zh, title ko, title en) with {p}artner and {t}opic
TITLES = {
    "video_link": ("与{p}{t}视频连线", "{p} {t} 화상회의", "Video link with {p}: {t}"),
    "signing": ("与{p}签署{t}合作备忘录", "{p} {t} 업무협약(MOU) 체결식", "{t} MOU with {p}"),
    "forum": ("中韩地方政府{t}座谈会", "한중 지방정부 {t} 간담회", "Local government forum: {t}"),
    "inbound_visit": ("会见{p}代表团", "{p} 대표단 접견", "Meeting the {p} delegation"),
    "outbound_visit": ("率团出访{p}并会谈", "{p} 방문 및 회담", "Talks in {p}"),
    "inspection": ("考察{t}项目", "{t} 사업 현장 시찰", "Inspection: {t} projects"),
}
KIND_COUNTS = {"video_link": 58, "signing": 13, "forum": 6}
VISITS = (("inbound", 6), ("outbound", 4))
CLOSED_STATUSES = ("done",) * 9 + ("dropped",)


def _titles(kind: str, partner: Partner, topic) -> dict:
    zh, ko, en = TITLES[kind]
    return {
        "title_zh": zh.format(p=partner.name_zh, t=topic[0]),
        "title_ko": ko.format(p=partner.name_ko, t=topic[1]),
        "title_en": en.format(p=partner.name_en, t=topic[2]),
    }


def _minutes(partner: Partner, topic, agreement) -> str:
    return (
        f"## 议题 · 안건\n\n1. {topic[0]} · {topic[1]}\n2. 下一步工作 · 향후 추진 일정\n\n"
        f"## 纪要 · 회의록\n\n- 中方介绍了示范区**{topic[0]}**方面的进展。\n"
        f"- {partner.name_ko} 측은 {topic[1]} 분야의 협력 수요를 설명했다.\n"
        f"- 双方同意{agreement[0]}。 · 양측은 {agreement[1]}에 합의했다.\n"
    )


def _outcome(meeting: Meeting, partner: Partner, topic, organizer, rng: random.Random) -> None:
    agreement = rng.choice(AGREEMENTS)
    summary_ko = f"양측은 {topic[1]}에 대해 폭넓게 의견을 나누고 {agreement[1]}에 합의했다."
    decisions = f"1. {agreement[0]} · {agreement[1]}\n2. 三个月内再次会商 · 3개월 안에 재협의"
    data = {
        "summary_zh": f"双方就{topic[0]}深入交换意见，同意{agreement[0]}。",
        "summary_ko": summary_ko,
        "minutes": _minutes(partner, topic, agreement),
        "decisions": decisions,
    }
    save_outcome(meeting, data, organizer)


def _follow_ups(meeting: Meeting, owners: list, today: date, rng: random.Random) -> None:
    held_on = meeting.start_dt.date()
    for zh, ko in rng.sample(ACTIONS, rng.choice((0, 1, 1, 2))):
        due = held_on + timedelta(days=rng.choice((14, 21, 30, 45)))
        action = create_follow_up(
            meeting,
            {
                "title": f"{zh} · {ko}",
                "owner_id": rng.choice(owners).id,
                "due_date": due,
            },
        )
        if due <= today - timedelta(days=40):
            status = rng.choice(CLOSED_STATUSES)
            set_status(action, status, now=min(_at(due, 9, CN_ZONE), now_utc()))


def _record(meeting: Meeting, status: str, reason: str = "") -> None:
    """A past meeting entered after the fact (held or cancelled), without sending anything:
    it never left the draft stage, so nobody has it in a calendar."""
    meeting.status, meeting.status_reason = status, reason
    db.session.flush()
    meeting_changed.send(meeting, change=status)


def _at(day: date, hour: int, zone: str) -> datetime:
    return localize_strict(datetime.combine(day, time(hour)), zone)


def _partners_on(day: date, partners: list[Partner]) -> list[Partner]:
    return [p for p in partners if (p.valid_from or day) <= day <= (p.valid_until or day)]


class _Seeder:
    def __init__(self, organizer, owners, today: date):
        self.rng = random.Random(SEED)
        self.organizer, self.owners, self.today = organizer, owners, today
        self.partners = list(db.session.scalars(sa.select(Partner).order_by(Partner.kr_code)))
        weekdays = [FIRST_DAY + timedelta(days=n) for n in range((today - FIRST_DAY).days - 7)]
        self.free_days = [d for d in weekdays if d.weekday() < 5]
        self.rng.shuffle(self.free_days)

    def take_day(self, days: int = 1) -> tuple[date, Partner]:
        """A free weekday (and the *days* - 1 after it, all free), and a partner of that day."""
        day = next(
            d
            for d in reversed(self.free_days)
            if all(d + timedelta(days=n) in self.free_days for n in range(days))
        )
        for n in range(days):
            self.free_days.remove(day + timedelta(days=n))
        return day, self.rng.choice(_partners_on(day, self.partners))

    def meeting(self, kind: str, day: date, partner: Partner, hour: int = 14) -> Meeting:
        topic = self.rng.choice(TOPICS)
        start = _at(day, hour, CN_ZONE)
        data = {
            "kind": kind,
            **_titles(kind, partner, topic),
            "timezone": CN_ZONE,
            "start_dt": start,
            "end_dt": start + timedelta(minutes=90),
        }
        if kind == "video_link":
            data |= {"platform": "Tencent Meeting", "host_side": self.rng.choice(HOST_SIDE_CODES)}
        meeting = services.create_meeting(self.organizer, data, [partner])
        self.finish(meeting, partner, topic)
        return meeting

    def finish(self, meeting: Meeting, partner: Partner, topic) -> None:
        services.add_participant(meeting, "host", user=self.organizer)
        for contact in [c for c in partner.contacts if c.is_active][:2]:
            services.add_participant(meeting, contact=contact)
        if self.rng.random() < 0.04:
            _record(meeting, "cancelled", "日程冲突 · 일정 충돌")
            return
        _record(meeting, "held")
        _outcome(meeting, partner, topic, self.organizer, self.rng)
        _follow_ups(meeting, self.owners, self.today, self.rng)

    def visit(self, direction: str) -> None:
        day, partner = self.take_day(days=2)
        zone = CN_ZONE if direction == "inbound" else KR_ZONE
        names = (partner.name_zh, partner.name_ko)
        title = (
            ("{}代表团来访", "{} 대표단 방문") if direction == "inbound" else ("出访{}", "{} 방문")
        )
        visit = create_visit(
            self.organizer,
            {
                "direction": direction,
                "title_zh": title[0].format(names[0]),
                "title_ko": title[1].format(names[1]),
                "start_date": day,
                "end_date": day + timedelta(days=1),
                "timezone": zone,
            },
            [partner],
        )
        add_member(visit, "head", user=self.organizer)
        main_kind = f"{direction}_visit"
        for offset, kind in ((0, main_kind), (1, self.rng.choice(("inspection", "signing")))):
            topic = self.rng.choice(TOPICS)
            when = day + timedelta(days=offset)
            item = add_itinerary_item(
                visit,
                self.organizer,
                {
                    "kind": kind,
                    **_titles(kind, partner, topic),
                    "start_dt": _at(when, 10, zone),
                    "end_dt": _at(when, 12, zone),
                },
            )
            self.finish(item, partner, topic)


def seed_demo_history(organizer, owners: list, today: date) -> int:
    """Add the past exchanges when nothing before *today* exists. Returns meetings added."""
    past = sa.select(sa.func.count()).select_from(Meeting).where(Meeting.start_dt < now_utc())
    if db.session.scalar(past):
        return 0
    seeder = _Seeder(organizer, owners, today)
    for direction, count in VISITS:
        for _ in range(count):
            seeder.visit(direction)
    for kind, count in KIND_COUNTS.items():
        for _ in range(count):
            day, partner = seeder.take_day()
            seeder.meeting(kind, day, partner, hour=seeder.rng.choice((9, 10, 14, 15)))
    db.session.flush()
    return db.session.scalar(past)
