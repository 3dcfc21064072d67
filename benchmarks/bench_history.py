"""history: 50,000 meetings over 17 partners and 10 years, with outcomes, through the test client.

Measures a filtered history page of 50 rows, a search for a two-character Hangul term and a
two-character Hanzi term, one-character searches (a Hanzi in one meeting in forty, a Hangul
syllable in almost every meeting, a Latin letter that also names partners), and the
statistics page: as a worker shows it again (its figures kept for the statistics' version)
and right after a committed change (counted and drawn anew). Counts the SQL statements of
the history page with 50 rows and with a handful, to show the count does not depend on the
rows shown. Each figure has the median and 95th percentile of wall time and the median CPU
time of this process (the machine may be busy with other work: compare `load` too).
Runs on SQLite, or on PostgreSQL in a scratch database when BENCH_DATABASE_URL is set.
"""

import os
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from benchmarks.database import bench_database

MEETINGS, PARTNERS, YEARS = 50_000, 17, 10
FIRST_DAY = date(2016, 1, 1)
PASSWORD = "benchmark password"  # noqa: S105
KINDS = ("video_link",) * 6 + ("inbound_visit", "outbound_visit", "inspection", "signing", "forum")
TOPICS = (
    ("经贸合作", "경제무역 협력", "trade"), ("港口物流", "항만물류", "port logistics"),
    ("冰雪旅游", "빙설 관광", "winter tourism"), ("医疗健康", "의료 보건", "health care"),
    ("青少年交流", "청소년 교류", "youth exchange"), ("数字经济", "디지털 경제", "digital economy"),
    ("农业技术", "농업 기술", "agriculture"), ("文化交流", "문화 교류", "culture"),
)  # fmt: skip
# One meeting in about forty mentions a signed agreement: the searched terms are rare.
SIGNED = ("签约仪式顺利举行", "업무협약 체결")
MINUTES = "## 纪要 · 회의록\n\n- 中方介绍了示范区的进展。\n- 한국 측은 협력 수요를 설명했다.\n" * 3
TARGETS_MS = {"history_page": 100, "search_hangul": 200, "search_hanzi": 200, "statistics": 50,
              "statistics_after_change": 300, "search_one_hanzi": 50, "search_one_hangul": 50,
              "search_one_latin": 50}  # fmt: skip


def make_app(url: str):
    from config import TestingConfig
    from scheduler import create_app

    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    # Every search and list is rendered, never a kept page (scheduler/pagecache.py): these
    # figures are what a new search or filter costs.
    return create_app({**settings, "SQLALCHEMY_DATABASE_URI": url, "PAGE_CACHE_ENTRIES": 0})


def _meeting_row(n: int, organizer_id: int, rng: random.Random) -> dict:
    start = datetime.combine(FIRST_DAY, datetime.min.time(), UTC) + timedelta(
        minutes=rng.randrange(YEARS * 365 * 24 * 4) * 15
    )
    topic = rng.choice(TOPICS)
    past = start < datetime.now(UTC)
    status = ("held" if rng.random() < 0.93 else "cancelled") if past else "confirmed"
    return {
        "uid": str(uuid.UUID(int=rng.getrandbits(128))), "kind": rng.choice(KINDS),
        "status": status, "title_zh": f"{topic[0]}交流会议 第{n}次",
        "title_ko": f"{topic[1]} 교류 회의 제{n}차", "title_en": f"{topic[2]} exchange no. {n}",
        "agenda_zh": f"{topic[0]}合作进展；下一步工作安排", "agenda_ko": f"{topic[1]} 협력 현황",
        "start_dt": start, "end_dt": start + timedelta(minutes=90), "timezone": "Asia/Shanghai",
        "organizer_id": organizer_id,
    }  # fmt: skip


def _outcome_row(meeting_id: int, title_zh: str, rng: random.Random) -> dict:
    signed = rng.random() < 0.025
    extra_zh, extra_ko = SIGNED if signed else ("", "")
    return {
        "meeting_id": meeting_id,
        "summary_zh": f"双方就{title_zh}交换意见，同意建立季度会商机制。{extra_zh}",
        "summary_ko": f"양측은 분기별 실무 협의 체계 구축에 합의했다. {extra_ko}",
        "minutes": MINUTES,
        "decisions": "1. 三个月内再次会商 · 3개월 안에 재협의",
        "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC),
    }  # fmt: skip


def seed_history(organizer_id: int, partner_ids: list[int], contact_ids: list[int]) -> None:
    """The 50,000 meetings with their partners, people, outcomes and follow-ups (committed;
    the search index is rebuilt by `flask history reindex` afterwards)."""
    from scheduler.extensions import db
    from scheduler.history.follow_ups.models import FollowUp
    from scheduler.history.outcomes.models import MeetingOutcome
    from scheduler.meetings.models import Meeting, Participant, meeting_partners

    rng = random.Random(17)
    rows = [_meeting_row(n, organizer_id, rng) for n in range(MEETINGS)]
    for chunk in range(0, MEETINGS, 5000):
        db.session.execute(sa.insert(Meeting), rows[chunk : chunk + 5000])
    mine = sa.select(Meeting.id, Meeting.status, Meeting.title_zh)
    meetings = db.session.execute(mine.where(Meeting.organizer_id == organizer_id)).all()
    links = [{"meeting_id": m.id, "partner_id": partner_ids[m.id % PARTNERS]} for m in meetings]
    people = [{"meeting_id": m.id, "user_id": organizer_id, "role": "host"} for m in meetings]
    people += [
        {"meeting_id": m.id, "contact_id": contact_ids[m.id % len(contact_ids)]} for m in meetings
    ]
    held = [m for m in meetings if m.status == "held"]
    outcomes = [_outcome_row(m.id, m.title_zh, rng) for m in held]
    due = date.today()
    actions = [
        {"meeting_id": m.id, "title": "提交合作方案 · 협력안 제출", "owner_id": organizer_id,
         "due_date": due - timedelta(days=m.id % 400), "status": ("open", "done")[m.id % 2],
         "notes": "", "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC)}
        for m in held[::5]
    ]  # fmt: skip
    for table, values in ((meeting_partners, links), (Participant, people),
                          (MeetingOutcome, outcomes), (FollowUp, actions)):  # fmt: skip
        for chunk in range(0, len(values), 5000):
            db.session.execute(sa.insert(table), values[chunk : chunk + 5000])
    db.session.commit()


def _prepare(app) -> dict:
    """The database of *app* with the 50,000 meetings, and the search index rebuilt."""
    setup = seed_database(app)
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["history", "reindex"])
    assert result.exit_code == 0, result.output
    analyze(app)
    return {**setup, "reindex_s": round(time.perf_counter() - started, 1)}


def seed_database(app) -> dict:
    """Migrate *app*'s empty database and fill it: the demo partners and contacts, the user
    bench@example.org (a coordinator) and the 50,000 meetings. How long the seeding took."""
    from flask_migrate import upgrade

    from scheduler.auth.services import create_user
    from scheduler.contacts.models import Contact
    from scheduler.demo import seed_demo
    from scheduler.extensions import db
    from scheduler.partners.models import Partner

    with app.app_context():
        upgrade()
        seed_demo()  # partners and contacts (and a small demo history on top)
        user = create_user("bench@example.org", PASSWORD, "coordinator", name_zh="王芳")
        db.session.commit()
        partner_ids = db.session.scalars(
            sa.select(Partner.id).order_by(Partner.kr_code).limit(PARTNERS)
        ).all()
        contact_ids = db.session.scalars(sa.select(Contact.id)).all()
        started = time.perf_counter()
        seed_history(user.id, partner_ids, contact_ids)
        seeded_s = time.perf_counter() - started
    return {"seed_s": round(seeded_s, 1)}


def analyze(app) -> None:
    """PostgreSQL: the planner statistics autovacuum would gather after the bulk seed, now."""
    from scheduler.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")


def _rows_shown(client, url: str) -> int:
    return client.get(url).get_data(as_text=True).count('class="history-row')


PAGES = {
    "history_page": "/history/?partner=seoul&kind=video_link&status=held",
    "search_hangul": "/history/search?q=협약",
    "search_hanzi": "/history/search?q=签约",
    "search_one_hanzi": "/history/search?q=签",
    "search_one_hangul": "/history/search?q=협",
    "search_one_latin": "/history/search?q=a",
    "statistics": "/history/statistics",
}


def timed_cpu(call, repeat: int, before=None) -> dict:
    """benchmarks.run.timed's figures of *call* and its median CPU time in this process;
    *before* runs ahead of each call, untimed."""
    samples, cpu = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        wall, used = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - used) * 1000)
        samples.append((time.perf_counter() - wall) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(p95, 2),
            "cpu_ms": round(statistics.median(cpu), 2)}  # fmt: skip


def _committed_change(app) -> None:
    """What any counted change does to the statistics' version (the figures are counted anew)."""
    from scheduler.extensions import db
    from scheduler.history.reports.changes import bump

    with app.app_context():
        bump(db.session.connection())
        db.session.commit()


def _measure_pages(app, client, quick: bool) -> dict:
    from benchmarks.run import count_queries

    repeat = 5 if quick else 25
    result = {}
    for name, url in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        result[name] = {**timed_cpu(lambda url=url: client.get(url), repeat),
                        "target_ms": TARGETS_MS[name]}  # fmt: skip
    pages, change = PAGES, lambda: _committed_change(app)
    result["statistics_after_change"] = {
        **timed_cpu(lambda: client.get(pages["statistics"]), repeat, change),
        "target_ms": TARGETS_MS["statistics_after_change"],
    }
    few = "/history/?partner=seoul&kind=video_link&status=cancelled&year=2016"
    result["history_page"] |= {
        "rows": _rows_shown(client, pages["history_page"]), "rows_few": _rows_shown(client, few),
        "queries": count_queries(app, client, pages["history_page"]),
        "queries_few": count_queries(app, client, few),
    }  # fmt: skip
    for name in ("search_hangul", "search_hanzi", "search_one_hanzi", "search_one_hangul",
                 "search_one_latin"):  # fmt: skip
        page = client.get(pages[name]).get_data(as_text=True)
        count = re.search(r'id="search-count">\D*([\d,]+)', page).group(1)
        result[name]["found"] = int(count.replace(",", ""))
        assert result[name]["found"] and "<mark>" in page, name
    result["search_hangul"]["queries"] = count_queries(app, client, pages["search_hangul"])
    result["statistics"]["queries"] = count_queries(app, client, pages["statistics"])
    return result


def _run(url: str, quick: bool) -> dict:
    app = make_app(url)
    setup = _prepare(app)
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
    pages = _measure_pages(app, client, quick)
    with app.app_context():
        from scheduler.extensions import db

        database = db.engine.dialect.name
        db.engine.dispose()
    met = all(p["median_ms"] <= p["target_ms"] for p in pages.values())
    return {"name": "history", "n": MEETINGS, "database": database, **setup, **pages,
            "targets_met": met, "load": os.getloadavg()[0]}  # fmt: skip


def measure(quick: bool) -> dict:
    with tempfile.TemporaryDirectory() as folder, bench_database(Path(folder)) as url:
        return _run(url, quick)


if __name__ == "__main__":
    import json

    print(json.dumps(measure(quick=True), ensure_ascii=False))
