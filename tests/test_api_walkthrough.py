"""README's API walkthrough (examples/api_walkthrough.py) against the app served over HTTP:
with only the OpenAPI document and a write token it books a video link with a Korean
contact, finds it by updated_since, moves it with If-Match, and receives both signed
webhooks on its loopback receiver."""

import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from scheduler.extensions import db

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
import api_walkthrough  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(race_app):
    """The app on a free port, a write token, a Korean contact and a webhook endpoint."""
    from scheduler.api.tokens.services import create_token
    from scheduler.api.webhooks.services import create_endpoint
    from scheduler.auth.services import create_user
    from scheduler.contacts.services import create_contact
    from scheduler.partners.services import get_partner

    receiver = f"127.0.0.1:{_free_port()}"
    with race_app.app_context():
        admin = create_user("admin@example.org", "correct horse battery", "admin")
        user = create_user("coordinator@example.org", "correct horse battery", "coordinator")
        _token, secret = create_token(user, "walkthrough", "write")
        contact = create_contact(get_partner("busan"), {
            "family_name_ko": "박", "given_name_ko": "지우", "family_name_zh": "朴",
            "given_name_zh": "智友", "romanized_family": "Park",
            "romanized_given": "Jiwoo", "email": "jiwoo@busan.example.kr", "language": "ko",
        })  # fmt: skip
        events = ["meeting.confirmed", "meeting.changed"]
        _endpoint, signing = create_endpoint(f"http://{receiver}/", events, admin)
        db.session.commit()
        contact_id = contact.id
        db.session.remove()
    server = make_server("127.0.0.1", 0, race_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", "token": secret,
           "contact": contact_id, "listen": receiver, "secret": signing}  # fmt: skip
    server.shutdown()


def test_the_walkthrough_books_finds_moves_and_hears_both_webhooks(race_app, served, capsys):
    from scheduler.api.webhooks.delivery import deliver_due

    argv = [f"--{name}={value}" for name, value in served.items()] + ["--wait=30"]
    outcome = {}
    script = threading.Thread(target=lambda: outcome.update(code=api_walkthrough.main(argv)))
    script.start()
    while script.is_alive():  # the scheduler's job, as the deployed app runs it
        with race_app.app_context():
            deliver_due()
            db.session.remove()
        time.sleep(0.2)
    printed = capsys.readouterr().out.splitlines()
    assert outcome == {"code": 0}
    assert printed[0].startswith("booked meeting 1, found 1 by updated_since, moved to ")
    kinds = sorted(line.split()[1] for line in printed[1:])
    assert kinds == ["meeting.changed", "meeting.changed", "meeting.confirmed"]
    assert all(line.endswith("(signature checked)") for line in printed[1:])


def test_a_forged_signature_is_not_believed():
    body = b'{"id": "1"}'
    now = int(time.time())
    good = api_walkthrough.hmac.new(b"s", f"{now}.".encode() + body, "sha256").hexdigest()
    assert api_walkthrough.verify("s", f"t={now},v1={good}", body)
    assert not api_walkthrough.verify("s", f"t={now},v1={good}", body + b" ")
    assert not api_walkthrough.verify("other", f"t={now},v1={good}", body)
    assert not api_walkthrough.verify("s", f"t={now - 3600},v1={good}", body)
    assert not api_walkthrough.verify("s", "v1=abc", body)
