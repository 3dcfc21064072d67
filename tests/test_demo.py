"""`flask seed --demo` and `flask first-run` give a newcomer a lived-in app, once."""

import stat

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.auth.models import User
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.meetings.models import Meeting


def _fresh_app(tmp_path):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}"})
    with app.app_context():
        upgrade()
    return app


def _meetings(app):
    """The demo schedule: meetings still to come (the demo history lies in the past)."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Meeting.status, Meeting.series_id, Meeting.visit_id).where(
                Meeting.start_dt >= now_utc()
            )
        )
        return list(rows)


def test_seed_demo_is_idempotent_and_covers_every_kind_of_entry(tmp_path):
    app = _fresh_app(tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "demo contacts: 9 added" in first.output
    rows = _meetings(app)
    assert len(rows) == 10
    assert {status for status, *_ in rows} == {"confirmed", "tentative", "cancelled", "draft"}
    assert sum(1 for status, series, _v in rows if series and status == "confirmed") == 5
    assert sum(1 for status, series, _v in rows if series and status == "cancelled") == 1
    assert sum(1 for _s, series, _v in rows if series) == 6
    assert sum(1 for *_rest, visit in rows if visit) == 1
    second = runner.invoke(args=["seed", "--demo"])
    assert "demo contacts: 0 added" in second.output
    assert len(_meetings(app)) == 10


def _first_run(tmp_path, monkeypatch, terminal: bool, args=(), answer=None):
    """`flask first-run` on a fresh database, the instance folder under *tmp_path*, with
    stdout a terminal or not (CliRunner's never is: only that check is replaced); with
    *answer*, stdin is a terminal that types it."""
    from scheduler import cli

    app = _fresh_app(tmp_path)
    app.instance_path = str(tmp_path / "instance")
    if terminal:
        monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    if answer is not None:
        monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: True)
    runner = app.test_cli_runner()
    return app, runner.invoke(args=["first-run", *args], input=answer)


def _admin(app) -> tuple:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.role == "admin"))
        return (user.name_zh, user.name_ko, user.locale) if user else None


@pytest.mark.parametrize(
    ("args", "answer", "expected"),
    [
        ((), None, ("系统管理员", "시스템 관리자", "zh")),
        (("--language", "ko"), None, ("系统管理员", "시스템 관리자", "ko")),
        (("--language", "en"), None, ("System administrator", "System administrator", "en")),
        (("--name", " 王芳 "), None, ("王芳", "", "zh")),
        (("--name", "왕팡", "--language", "ko"), None, ("", "왕팡", "ko")),
        (("--language", "ko"), "김민준\n", ("", "김민준", "ko")),
        ((), "\n", ("系统管理员", "시스템 관리자", "zh")),  # Enter takes the default
    ],
)
def test_first_run_names_the_administrator(tmp_path, monkeypatch, args, answer, expected):
    app, result = _first_run(tmp_path, monkeypatch, False, args, answer)
    assert result.exit_code == 0, result.output
    assert _admin(app) == expected


def test_first_run_refuses_an_unknown_language_and_creates_nobody(tmp_path, monkeypatch):
    app, result = _first_run(tmp_path, monkeypatch, False, ("--language", "fr"))
    assert result.exit_code == 2 and "'fr' is not one of" in result.output
    assert _admin(app) is None


def _password_works(app, password: str) -> bool:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        return user.check_password(password)


def test_first_run_prints_the_password_once_to_a_terminal(tmp_path, monkeypatch):
    app, result = _first_run(tmp_path, monkeypatch, terminal=True)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-3:-1] == ["Administrator created.", "  e-mail:   admin@example.org"]
    assert lines[-1].startswith("  password: ")
    assert _password_works(app, lines[-1].removeprefix("  password: "))
    assert not (tmp_path / "instance").exists()  # no file when the terminal showed it
    again = app.test_cli_runner().invoke(args=["first-run"])
    assert again.output.strip() == "Existing accounts kept; nothing to do."


def test_first_run_without_a_terminal_writes_the_password_to_a_private_file(tmp_path, monkeypatch):
    app, result = _first_run(tmp_path, monkeypatch, terminal=False)
    assert result.exit_code == 0, result.output
    path = tmp_path / "instance" / "first-run-admin-password.txt"
    email, password = path.read_text().splitlines()
    assert email == "admin@example.org" and _password_works(app, password)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert password not in result.output  # what a log or a pipe would keep
    assert result.output.splitlines()[-3:] == [
        "Administrator created.",
        "  e-mail:   admin@example.org",
        f"  password: in {path} (readable only by its owner; delete it after signing in)",
    ]
    again = app.test_cli_runner().invoke(args=["first-run"])
    assert again.output.strip() == "Existing accounts kept; nothing to do."
    assert path.read_text() == f"{email}\n{password}\n"  # not replaced by the second run


def test_demo_invites_are_queued_for_make_run(tmp_path):
    from scheduler.invites.outbox.models import OutboxMessage

    app = _fresh_app(tmp_path)
    app.test_cli_runner().invoke(args=["seed", "--demo"])
    with app.app_context():
        kinds = db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.subject))
        by_recipient = {}
        for recipient, subject in kinds:
            by_recipient.setdefault(recipient, []).append(subject)
    assert set(by_recipient) >= {"minjun.kim@seoul.example.kr", "junyoung.park@busan.example.kr",
                                 "jaewon.yoon@ulsan.example.kr"}  # fmt: skip
    assert len(by_recipient["jaewon.yoon@ulsan.example.kr"]) == 2  # the invite, then the CANCEL
    # The monthly series: the invite, the moved occurrence, the cancelled occurrence.
    assert len(by_recipient["sujin.choi@gangwon.example.kr"]) == 3


def test_seed_demo_adds_years_of_past_exchanges_without_mailing_them(tmp_path):
    from scheduler.invites.outbox.models import OutboxMessage
    from scheduler.visits.models import Visit

    app = _fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "--demo"])
    past = sa.select(Meeting).where(Meeting.start_dt < now_utc())
    with app.app_context():
        meetings = db.session.scalars(past).all()
        held = [m for m in meetings if m.status == "held"]
        kinds = {m.kind for m in held}
        years = {m.start_dt.year for m in held}
        outcomes = db.session.scalar(sa.select(sa.func.count()).select_from(MeetingOutcome))
        statuses = set(db.session.scalars(sa.select(FollowUp.status)))
        directions = set(db.session.scalars(sa.select(Visit.direction)))
        mailed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.meeting_id.in_([m.id for m in meetings]))
        )
        sample = held[0].outcome
    assert len([m for m in held if m.kind == "video_link"]) > 50
    assert {"video_link", "inbound_visit", "outbound_visit", "inspection", "signing"} <= kinds
    assert len(years) >= 4 and outcomes == len(held)
    assert sample.summary_zh and sample.summary_ko and "## " in sample.minutes
    assert statuses == {"open", "done", "dropped"}
    assert directions == {"inbound", "outbound"}
    assert mailed == 0
    runner.invoke(args=["seed", "--demo"])
    with app.app_context():
        assert len(db.session.scalars(past).all()) == len(meetings)
