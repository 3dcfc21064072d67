"""Demo contacts so a newcomer sees a lived-in app. Idempotent (keyed on e-mail)."""

from zoneinfo import ZoneInfo

from scheduler.auth.services import create_user, find_user, generate_password
from scheduler.contacts.services import CONTACT_FIELDS, create_contact, find_by_email
from scheduler.db import now_utc
from scheduler.demo_history import seed_demo_history
from scheduler.demo_meetings import ZONE, seed_demo_meetings
from scheduler.partners.services import get_partner, seed_partners

# partner, family/given (ko), family/given (zh), romanized family/given, title ko/zh,
# department ko/zh, e-mail, phone, language
DEMO_CONTACTS = [
    (
        "seoul",
        "김",
        "민준",
        "金",
        "民俊",
        "Kim",
        "Min-jun",
        "국제협력과장",
        "国际合作处处长",
        "글로벌도시정책관",
        "全球城市政策官室",
        "minjun.kim@seoul.example.kr",
        "+82-2-2133-0000",
        "ko",
    ),
    (
        "seoul",
        "이",
        "서연",
        "李",
        "瑞妍",
        "Lee",
        "Seo-yeon",
        "주무관",
        "主务官",
        "국제협력과",
        "国际合作处",
        "seoyeon.lee@seoul.example.kr",
        "+82-2-2133-0001",
        "ko",
    ),
    (
        "busan",
        "박",
        "준영",
        "朴",
        "俊英",
        "Park",
        "Jun-young",
        "국제협력과장",
        "国际合作处处长",
        "국제관계대사",
        "国际关系大使室",
        "junyoung.park@busan.example.kr",
        "+82-51-888-0000",
        "ko",
    ),
    (
        "gangwon",
        "최",
        "수진",
        "崔",
        "秀珍",
        "Choi",
        "Su-jin",
        "중국통상팀장",
        "对华通商组组长",
        "국제교류과",
        "国际交流处",
        "sujin.choi@gangwon.example.kr",
        "+82-33-249-0000",
        "zh",
    ),
    (
        "chungnam",
        "정",
        "민호",
        "郑",
        "敏浩",
        "Jung",
        "Min-ho",
        "국제교류팀장",
        "国际交流组组长",
        "국제통상과",
        "国际通商处",
        "minho.jung@chungnam.example.kr",
        "+82-41-635-0000",
        "ko",
    ),
    (
        "gyeongbuk",
        "강",
        "서윤",
        "姜",
        "瑞允",
        "Kang",
        "Seo-yun",
        "주무관",
        "主务官",
        "국제협력과",
        "国际合作处",
        "seoyun.kang@gb.example.kr",
        "+82-54-880-0000",
        "ko",
    ),
    (
        "ulsan",
        "윤",
        "재원",
        "尹",
        "在元",
        "Yoon",
        "Jae-won",
        "국제협력담당",
        "国际合作负责人",
        "국제협력과",
        "国际合作处",
        "jaewon.yoon@ulsan.example.kr",
        "+82-52-229-0000",
        "ko",
    ),
    (
        "incheon",
        "남궁",
        "현",
        "南宫",
        "贤",
        "Namgung",
        "Hyeon",
        "중국협력관",
        "对华合作官",
        "국제협력과",
        "国际合作处",
        "hyeon.namgung@incheon.example.kr",
        "+82-32-440-0000",
        "en",
    ),
    (
        "jeonnam-gwangju",
        "한",
        "지수",
        "韩",
        "智秀",
        "Han",
        "Ji-su",
        "대외협력관",
        "对外合作官",
        "국제협력국",
        "国际合作局",
        "jisu.han@jg.example.kr",
        "+82-61-286-0000",
        "ko",
    ),
]
# Each demo row gives the contact fields up to the language, in the form's order.
FIELDS = CONTACT_FIELDS[: CONTACT_FIELDS.index("language") + 1]


DEMO_COORDINATOR = "wang.fang@example.org"
DEMO_OFFICER = "li.ming@example.org"


def _demo_coordinator():
    """The staff member who organizes the demo meetings (no usable password: an example)."""
    return find_user(DEMO_COORDINATOR) or create_user(
        DEMO_COORDINATOR, generate_password(), "coordinator", name_zh="王芳", name_ko="왕팡"
    )


def _demo_officer():
    """A second staff member who owns some of the demo follow-up actions."""
    return find_user(DEMO_OFFICER) or create_user(
        DEMO_OFFICER, generate_password(), "coordinator", name_zh="李明", name_ko="리밍"
    )


def seed_demo() -> int:
    """Add the demo contacts that are missing, then the demo schedule on an empty calendar.

    Returns how many contacts were added.
    """
    added = _seed_contacts()
    today = now_utc().astimezone(ZoneInfo(ZONE)).date()
    seed_demo_meetings(_demo_coordinator(), today)
    seed_demo_history(_demo_coordinator(), [_demo_coordinator(), _demo_officer()], today)
    return added


def _seed_contacts() -> int:
    seed_partners()
    added = 0
    for slug, *values in DEMO_CONTACTS:
        data = dict(zip(FIELDS, values, strict=True))
        if find_by_email(data["email"]):
            continue
        partner = get_partner(slug)
        create_contact(partner, {**data, "timezone": partner.timezone})
        added += 1
    return added
