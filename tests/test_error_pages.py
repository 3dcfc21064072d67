"""The error pages never fail: a database outage answers 503 with Retry-After in the reader's
language (pages and calendar feeds alike) and logs one counted line per failure; a broken
transaction still gets its page."""

import contextlib
import logging

import pytest
import sqlalchemy as sa
from flask import Blueprint, redirect

from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.transaction import keep_changes
from tests.feeds_support import new_feed
from tests.outage_support import database_down, sign_in

UNAVAILABLE = {
    "zh": "系统暂时无法使用，请几分钟后再试。",
    "ko": "시스템을 잠시 이용할 수 없습니다. 몇 분 후에 다시 시도해 주십시오.",
    "en": "The system is briefly unavailable. Please try again in a few minutes.",
}
WENT_WRONG = {
    "ko": "시스템 오류가 발생했습니다. 잠시 후 다시 시도하세요.",
}


def _is_outage_answer(response, lang: str) -> bool:
    return (
        response.status_code == 503
        and response.headers["Retry-After"] == "30"
        and response.mimetype == "text/html"
        and UNAVAILABLE[lang] in response.get_data(as_text=True)
    )


@pytest.mark.parametrize("lang", ["zh", "ko", "en"])
def test_pages_answer_503_in_the_readers_language_while_the_database_is_down(
    outage_app, tmp_path, lang
):
    client = sign_in(outage_app)
    headers = {"Accept-Language": {"zh": "zh-CN,zh;q=0.9", "ko": "ko-KR", "en": "en-US"}[lang]}
    with database_down(outage_app, tmp_path):
        for path in ("/", "/meetings/", "/partners/"):
            response = client.get(path, headers=headers)
            assert _is_outage_answer(response, lang), (path, response.status_code)
        posted = client.post("/meetings/new", data={"title_zh": "会议"}, headers=headers)
        assert _is_outage_answer(posted, lang)
    assert client.get("/partners/", headers=headers).status_code == 200  # back by itself


def test_a_calendar_clients_feed_request_gets_503_too(outage_app, tmp_path):
    path = new_feed(outage_app, "--partner", "seoul")
    client = outage_app.test_client()
    assert client.get(path).status_code == 200
    outlook = {"User-Agent": "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0)"}
    with database_down(outage_app, tmp_path):
        assert _is_outage_answer(client.get(path, headers=outlook), "zh")
        korean = client.get(path, headers={**outlook, "Accept-Language": "ko"})
        assert _is_outage_answer(korean, "ko")
        assert _is_outage_answer(client.get("/calendars/unknown.ics"), "zh")
    assert client.get(path).status_code == 200


def test_an_outage_logs_one_counted_line_per_failure(outage_app, tmp_path, caplog, monkeypatch):
    # Alembic's fileConfig (run by the fixture's upgrade) disables loggers made before it.
    monkeypatch.setattr(logging.getLogger("scheduler.outage"), "disabled", False)
    path = new_feed(outage_app, "--partner", "seoul")
    client = outage_app.test_client()
    caplog.set_level(logging.INFO)
    with database_down(outage_app, tmp_path):
        for _ in range(3):
            assert client.get(path).status_code == 503
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["scheduler.outage"] * 3
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in errors)
    counts = [r.getMessage().split(": failure ")[1].split(" ")[0] for r in errors]
    assert int(counts[1]) == int(counts[0]) + 1 and int(counts[2]) == int(counts[0]) + 2
    assert all("at feeds.feed: OperationalError: " in r.getMessage() for r in errors)
    assert not any(path.split("/")[-1].removesuffix(".ics") in r.getMessage() for r in errors)


def _probe(app):
    """Views that break their transaction: a duplicate key, then more queries."""
    bp = Blueprint("broken_probe", __name__, url_prefix="/broken-probe")

    @bp.get("/duplicate")
    def duplicate():
        keep_changes()  # even a view that asked to keep its changes keeps nothing
        db.session.add(User(email="staff@example.org", role="viewer", password_hash="x"))
        # The bug under test: carrying on with a broken transaction.
        with contextlib.suppress(sa.exc.IntegrityError):
            db.session.flush()
        return str(db.session.scalar(sa.select(sa.func.count()).select_from(User)))

    @bp.post("/crash")
    def crash():
        raise RuntimeError("a bug")

    app.register_blueprint(bp)


def test_a_broken_transaction_still_gets_its_page(outage_app, caplog):
    _probe(outage_app)
    client = sign_in(outage_app)
    response = client.get("/broken-probe/duplicate", headers={"Accept-Language": "zh"})
    # The signed-in user was loaded before the failure: the page is in their language (ko).
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert WENT_WRONG["ko"] in response.get_data(as_text=True)
    crashed = client.post("/broken-probe/crash")
    assert crashed.status_code == 500 and WENT_WRONG["ko"] in crashed.get_data(as_text=True)
    assert client.get("/partners/").status_code == 200  # the session was rolled back
    assert "RuntimeError: a bug" in caplog.text  # a bug keeps its traceback


def test_a_failure_inside_the_commit_point_answers_503(outage_app):
    """PostgreSQL: the connection dies between the view and the commit (its backend is
    terminated by another connection), so the commit point's own commit fails."""
    with outage_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("terminating a backend needs PostgreSQL (TEST_DATABASE_URL)")
    bp = Blueprint("commit_probe", __name__, url_prefix="/commit-probe")

    @bp.post("/write")
    def write():
        user = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
        user.name_zh = "改名"
        db.session.flush()
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        with db.engine.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return redirect("/")

    outage_app.register_blueprint(bp)
    client = sign_in(outage_app)
    response = client.post("/commit-probe/write", headers={"Accept-Language": "en"})
    assert _is_outage_answer(response, "ko")  # the signed-in user's own language
    with outage_app.app_context():
        assert db.session.scalar(sa.select(User.name_zh)) != "改名"
