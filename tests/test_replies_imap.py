"""`flask replies fetch` against a real IMAP server (Dovecot): answers from every client shape
reach the meeting page, processed mail moves to the done folder, other mail stays unread."""

import json

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.invites.ical import event_uid
from scheduler.invites.replies.models import InboundReply
from scheduler.jobs import add_jobs
from scheduler.meetings.models import Meeting, Participant
from tests.conftest import count
from tests.replies_support import SHAPES, calendar, mail, plain_mail


@pytest.fixture
def mailbox_app(app, imap_server):
    """The app reading the test server's mailbox."""
    settings = {
        "IMAP_HOST": imap_server.host,
        "IMAP_PORT": imap_server.port,
        "IMAP_SECURITY": "none",
        "IMAP_USERNAME": imap_server.username,
        "IMAP_PASSWORD": imap_server.password,
        "IMAP_FOLDER": "INBOX",
        "IMAP_DONE_FOLDER": "Calendar replies",
    }
    previous = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield app
    app.config.update(previous)


def _fetch(app, *extra) -> list[str]:
    result = app.test_cli_runner().invoke(args=["replies", "fetch", *extra])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def _outcomes(lines: list[str]) -> list[str]:
    """What became of each message ("message <IMAP UID>: <outcome>" lines), UIDs left out."""
    return [line.split(": ", 1)[1] for line in lines[:-1]]


def _answer(participant_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Participant, participant_id).rsvp_status


def test_fetch_reads_each_shape_files_it_and_leaves_other_mail(
    mailbox_app, imap_server, client, auth, invited
):
    uid = event_uid(db.session.get(Meeting, invited["meeting"].id))
    partstats = ("ACCEPTED", "TENTATIVE", "DECLINED", "TENTATIVE", "ACCEPTED")
    replies = [
        mail(shape, invited["kim_email"], calendar("REPLY", uid, invited["kim_email"], ps,
             sequence=1, shape=shape, comment="감사합니다"))
        for shape, ps in zip(SHAPES, partstats, strict=True)
    ]  # fmt: skip
    other = plain_mail(invited["kim_email"])
    imap_server.append(other, *replies)
    lines = _fetch(mailbox_app)
    assert lines[-1] == "processed 5, already processed 0, left alone 1"
    assert _outcomes(lines) == ["applied"] * 5
    assert _answer(invited["kim"]) == "accepted"  # the last one read
    assert count(InboundReply) == 5
    # Processed mail is filed away; the other message stays, unread.
    assert sorted(imap_server.messages("Calendar replies")) == sorted(replies)
    assert imap_server.messages() == [other]
    assert imap_server.flags() == [()]
    auth.login("viewer", locale="ko")
    page = client.get(f"/meetings/{invited['meeting'].id}").get_data(as_text=True)
    assert f'id="rsvp-{invited["kim"]}">참석</span>' in page


def test_a_message_processed_before_a_crash_is_only_moved(mailbox_app, imap_server, invited):
    uid = event_uid(db.session.get(Meeting, invited["meeting"].id))
    raw = mail("outlook", invited["kim_email"], calendar("REPLY", uid, invited["kim_email"],
               "DECLINED", sequence=1, shape="outlook"))  # fmt: skip
    imap_server.append(raw)
    assert _fetch(mailbox_app)[-1] == "processed 1, already processed 0, left alone 0"
    # The same message again in the inbox, as after a crash between commit and move.
    imap_server.append(raw)
    assert _fetch(mailbox_app, "--json") == [
        json.dumps({"processed": 0, "duplicates": 1, "left_alone": 0})
    ]
    assert imap_server.messages() == []
    assert len(imap_server.messages("Calendar replies")) == 2
    assert count(InboundReply) == 1
    assert _answer(invited["kim"]) == "declined"


def test_refused_mail_is_filed_and_waits_for_review(mailbox_app, imap_server, invited):
    uid = event_uid(db.session.get(Meeting, invited["meeting"].id))
    forged = mail("gmail", "someone@elsewhere.example", calendar("REPLY", uid,
                  invited["kim_email"], "DECLINED", sequence=1))  # fmt: skip
    imap_server.append(forged)
    assert _outcomes(_fetch(mailbox_app)) == ["review (sender)"]
    assert _answer(invited["kim"]) == "needs_action"
    [row] = db.session.scalars(sa.select(InboundReply))
    assert (row.status, row.reason, row.sender) == ("review", "sender", "someone@elsewhere.example")


def test_an_unreachable_mailbox_is_a_clear_error(mailbox_app, imap_server, db):
    mailbox_app.config["IMAP_PASSWORD"] = "wrong"
    result = mailbox_app.test_cli_runner().invoke(args=["replies", "fetch"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot open the mailbox:")
    mailbox_app.config["IMAP_SECURITY"] = "ssl3"
    result = mailbox_app.test_cli_runner().invoke(args=["replies", "fetch"])
    assert result.output == "Error: IMAP_SECURITY must be one of tls, starttls, none\n"


def test_the_scheduler_polls_only_when_a_mailbox_is_set(app, mailbox_app):
    class Jobs:
        def __init__(self):
            self.ids = []

        def add_job(self, *args, id, **kwargs):  # noqa: A002 - APScheduler's keyword
            self.ids.append((id, kwargs["seconds"]))

    polled = Jobs()
    add_jobs(polled, mailbox_app)
    assert ("fetch-replies", 300) in polled.ids
    mailbox_app.config["IMAP_HOST"] = ""
    quiet = Jobs()
    add_jobs(quiet, mailbox_app)
    assert "fetch-replies" not in [job for job, _ in quiet.ids]


def test_a_proposed_time_arrives_on_the_meeting_page(
    mailbox_app, imap_server, client, auth, invited
):
    from datetime import UTC, datetime

    uid = event_uid(db.session.get(Meeting, invited["meeting"].id))
    start, end = datetime(2030, 12, 5, 2, 0, tzinfo=UTC), datetime(2030, 12, 5, 3, 0, tzinfo=UTC)
    ics = calendar("COUNTER", uid, invited["kim_email"], "TENTATIVE", sequence=1, shape="apple",
                   start=start, end=end, comment="목요일 오전은 어떠신지요?")  # fmt: skip
    imap_server.append(mail("apple", invited["kim_email"], ics, method="COUNTER"))
    assert _outcomes(_fetch(mailbox_app)) == ["proposed"]
    auth.login("coordinator", locale="zh")
    page = client.get(f"/meetings/{invited['meeting'].id}").get_data(as_text=True)
    proposal = "金敏洙提议的时间：12月5日（周四）10:00–11:00（北京时间） / 11:00–12:00（首尔时间）"
    assert proposal in page
    assert "목요일 오전은 어떠신지요?" in page
