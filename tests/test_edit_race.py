"""Twenty people editing one meeting at once (issue 18, item 4), on PostgreSQL where requests
really run in parallel: of the edits made from one version exactly one is saved and the
others get 409; SEQUENCE rises once per saved change; and with two deliverers sending while
the edits go on, each attendee receives the invites in strictly rising SEQUENCE order, the
last one being the meeting as saved."""

import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.extensions import db
from tests.test_answer_race import _together
from tests.test_conflict_race import race_app  # noqa: F401 - the PostgreSQL scratch app

RACERS = 20
GUESTS = ("kim@seoul.example.kr", "lee@busan.example.kr")
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def _confirmed_meeting(app) -> int:
    from scheduler.auth.services import create_user
    from scheduler.meetings import services
    from scheduler.partners.services import get_partner

    with app.test_request_context():
        organizer = create_user("organizer@example.org", "correct horse battery", "coordinator")
        start = datetime(2031, 3, 4, 2, 0, tzinfo=UTC)
        data = {"kind": "video_link", "title_zh": "会谈", "title_ko": "회담",
                "start_dt": start, "end_dt": start + timedelta(hours=1)}  # fmt: skip
        meeting = services.create_meeting(organizer, data, [get_partner("seoul")])
        for address in GUESTS:
            services.add_participant(meeting, guest_email=address, guest_name="Guest")
        services.confirm(meeting)
        db.session.commit()
        return meeting.id


def _clients(app, count: int) -> list:
    """*count* test clients sharing one signed-in session (one login, not twenty)."""
    first = app.test_client()
    login = {"email": "organizer@example.org", "password": "correct horse battery"}
    assert first.post("/login", data=login).status_code == 302
    cookie = first.get_cookie("session")
    clients = [first]
    for _ in range(count - 1):
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        clients.append(other)
    return clients


def _form(app, minute: int, version) -> dict:
    from tests.test_meetings import _form as meeting_form

    start = datetime(2031, 3, 4, 10, 0) + timedelta(minutes=minute)
    with app.app_context():
        return meeting_form(
            title_zh="会谈", title_ko="회담",
            start_local=start.strftime("%Y-%m-%dT%H:%M"),
            end_local=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            version=str(version),
        )  # fmt: skip


def _saved(app, meeting_id: int):
    from scheduler.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        result = (meeting.version, meeting.sequence, meeting.start_dt)
        db.session.remove()
        return result


def _edit_until_saved(app, client, meeting_id: int, minute: int) -> int:
    """Open the form, send it; on 409 open it again. How many tries it took."""
    for tries in range(1, 200):
        page = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
        version = VERSION.search(page).group(1)
        status = client.post(f"/meetings/{meeting_id}/edit", data=_form(app, minute, version))
        assert status.status_code in (302, 409), status.status_code
        if status.status_code == 302:
            return tries
    raise AssertionError("never saved")


def _deliver_while(app, running: threading.Event) -> None:
    from scheduler.invites.outbox.delivery import deliver_due

    with app.app_context():
        while running.is_set():
            deliver_due()
        deliver_due()
        db.session.remove()


def _invites(smtp_server) -> dict[str, list[tuple[int, str]]]:
    """Per attendee, (SEQUENCE, DTSTART) of each invite in the order it arrived."""
    found: dict[str, list] = {}
    for received in smtp_server.messages:
        calendar = next(
            p for p in received.message.walk() if p.get_content_type() == "text/calendar"
        )
        text = calendar.get_content()
        sequence = int(re.search(r"^SEQUENCE:(\d+)\r?$", text, re.M).group(1))
        start = re.search(r"^DTSTART;TZID=Asia/Shanghai:(\d{8}T\d{6})\r?$", text, re.M).group(1)
        found.setdefault(received.rcpt_tos[0], []).append((sequence, start))
    return found


def test_twenty_concurrent_edits(race_app, smtp_server):  # noqa: F811
    race_app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST=smtp_server.host,
                           SMTP_PORT=smtp_server.port, SMTP_SECURITY="none")  # fmt: skip
    meeting_id = _confirmed_meeting(race_app)
    version, sequence, _start = _saved(race_app, meeting_id)
    clients = _clients(race_app, RACERS)
    # All twenty from the same version: one is saved, nineteen are told someone was first.
    forms = iter([_form(race_app, 5 * i, version) for i in range(RACERS)])
    lock = threading.Lock()

    def edit_once():
        with lock:
            client, data = clients.pop(), next(forms)
        clients_back.append(client)
        return client.post(f"/meetings/{meeting_id}/edit", data=data).status_code

    clients_back: list = []
    statuses = _together(RACERS, edit_once)
    assert sorted(statuses) == [302] + [409] * (RACERS - 1)
    assert _saved(race_app, meeting_id)[:2] == (version + 1, sequence + 1)
    # Then each of the twenty keeps trying until its own change is saved, while two
    # deliverers send whatever is queued.
    running = threading.Event()
    running.set()
    deliverers = [threading.Thread(target=_deliver_while, args=(race_app, running)) for _ in "ab"]
    for thread in deliverers:
        thread.start()
    minutes = iter(range(200, 200 + 5 * RACERS, 5))

    def edit_until_saved():
        with lock:
            client, minute = clients_back.pop(), next(minutes)
        return _edit_until_saved(race_app, client, meeting_id, minute)

    tries = _together(RACERS, edit_until_saved)
    running.clear()
    for thread in deliverers:
        thread.join(timeout=60)
    assert len(tries) == RACERS
    final_version, final_sequence, final_start = _saved(race_app, meeting_id)
    assert (final_version, final_sequence) == (version + 1 + RACERS, sequence + 1 + RACERS)
    invites = _invites(smtp_server)
    assert sorted(invites) == sorted(GUESTS)
    expected_start = final_start.astimezone(ZoneInfo("Asia/Shanghai"))
    for address, received in invites.items():
        sequences = [s for s, _ in received]
        assert sequences == sorted(set(sequences)), (address, sequences)  # strictly rising
        # One invite per saved change (the confirmation, then 21 edits), none lost or merged.
        assert sequences == list(range(sequence, final_sequence + 1))
        assert received[-1] == (final_sequence, expected_start.strftime("%Y%m%dT%H%M%S"))
