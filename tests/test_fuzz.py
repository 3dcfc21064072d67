"""A bounded fuzz test: random and hostile values into every route of `app.url_map`, as a
signed-in admin, coordinator and viewer. Any 5xx (or exception) fails the test and prints the
requests that caused it. A fixed seed and a fixed number of requests per route keep it
repeatable and quick; it runs on SQLite and on PostgreSQL (where NUL bytes fail).
"""

import io
import random
from urllib.parse import quote

import pytest
from wtforms.fields.core import UnboundField

from scheduler.forms import BaseForm
from scheduler.meetings import services as meetings
from scheduler.partners.services import get_partner
from scheduler.visits.models import Visit
from tests.follow_up_support import add_follow_up

SEED = 13
GETS_PER_ROUTE = 2
POSTS_PER_ROUTE = 2
ROLES = ("admin", "coordinator", "viewer")
SKIPPED = {"auth.logout"}  # would end the signed-in session the sweep depends on

HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "a\x00b",
    "\r\n",
    "/x\r\nSet-Cookie: a=b",
    "\x85",
    "\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "😀" * 40,
    "-1",
    "0",
    str(10**30),
    str(-(10**30)),
    "1e309",
    "NaN",
    "9999-99-99",
    "0000-00-00",
    "2030-02-30",
    "9999-12-31T23:59",
    "0001-01-01",
    "99:99",
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "%00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "١٢٣",
    "²",
    "Asia/../../etc/passwd",
    '=HYPERLINK("x")',
    "@",
    "a@b@c",
    "null",
    "[]",
]
PLAUSIBLE = [
    "seoul", "busan", "ko", "zh", "en", "Asia/Seoul", "Asia/Shanghai", "2030-12-03",
    "2030-12-03T14:30", "2030-12-03 15:30", "14:30", "1", "2", "y", "on", "confirmed",
    "video_link", "holiday", "workday", "CN", "KR", "all", "mine", "done", "open", "accept",
    "csv", "xlsx", "2028", "weekly", "monthly", "host", "delegate", "nobody@example.org",
]  # fmt: skip
# Query parameters the views read from request.args, besides the form fields.
QUERY_NAMES = [
    "page", "q", "partner", "kind", "status", "date", "days", "clock", "year", "country", "lang",
    "timezone", "who", "overdue", "inactive", "answer", "date_from", "date_to", "object_type",
    "user", "action", "next", "start_dt", "end_dt", "contact", "series",
]  # fmt: skip
EXTRA_FORM_NAMES = ["next", "active", "scope", "preview", "lang", "answer", "status"]


def _form_field_names() -> list[str]:
    """Every field name of every form in the app (each POST may carry any of them)."""
    names, todo = set(EXTRA_FORM_NAMES), [BaseForm]
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        names.update(n for n in dir(form) if isinstance(getattr(form, n, None), UnboundField))
    return sorted(names)


@pytest.fixture
def seeded(db, make_user, make_contact, make_meeting):
    """One of each row the URLs name, for URL parameters that reach real rows."""
    organizer = make_user("coordinator")
    contact = make_contact()
    meeting = make_meeting(organizer=organizer)
    meetings.add_participant(meeting, contact=contact)
    db.session.commit()
    participant = meeting.participants[0]
    follow_up = add_follow_up(meeting, organizer)
    visit = Visit(direction="inbound", title_zh="首尔代表团来访", organizer=organizer,
                  start_date=meeting.start_dt.date(), end_date=meeting.start_dt.date(),
                  partners=[get_partner("seoul")])  # fmt: skip
    db.session.add(visit)
    db.session.commit()
    return {
        "meeting_id": meeting.id, "contact_id": contact.id, "user_id": organizer.id,
        "participant_id": participant.id, "follow_up_id": follow_up.id, "visit_id": visit.id,
        "slug": "seoul", "year": 2030, "file_format": "csv", "format": "xlsx",
        "action": "confirm", "filename": "css/app.css",
    }  # fmt: skip


class Fuzzer:
    """Builds random requests for one rule and remembers every one that answered 5xx."""

    def __init__(self, client, seeded: dict, rng: random.Random):
        self.client, self.seeded, self.rng = client, seeded, rng
        self.field_names = _form_field_names()
        self.failures: list[str] = []

    def value(self) -> str:
        return self.rng.choice(HOSTILE if self.rng.random() < 0.6 else PLAUSIBLE)

    def url(self, rule) -> str:
        path = rule.rule
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__
            path = path.replace(f"<{_spec(rule, name)}>", self.argument(name, converter))
        return path

    def argument(self, name: str, converter: str) -> str:
        real = self.seeded.get(name)
        if converter == "IntegerConverter":
            choices = [real, real, 0, 10**30, 2**63, 2**31] if real else [0, 1, 10**30, 2**63]
            return str(self.rng.choice(choices))
        text = real if real is not None and self.rng.random() < 0.5 else self.value()
        return quote(str(text), safe="/" if converter == "PathConverter" else "")

    def query(self) -> dict:
        names = self.rng.sample(QUERY_NAMES + self.field_names, 4)
        return {name: self.value() for name in names}

    def form(self) -> dict:
        data = {name: self.value() for name in self.field_names if self.rng.random() < 0.5}
        if self.rng.random() < 0.3:
            data["file"] = (io.BytesIO(self.value().encode("utf-8", "replace")), self.value())
        return data

    def send(self, method: str, url: str, **kwargs) -> None:
        try:
            response = self.client.open(url, method=method, **kwargs)
            status = response.status_code
        except Exception as error:  # noqa: BLE001 - the testing app re-raises what would be a 500
            status = f"{type(error).__name__}: {error}"
        if status == 503 and _is_failing_health_report(url, response):
            return  # /healthz's own answer: no scheduler process beats in the tests
        if not isinstance(status, int) or status >= 500:
            self.failures.append(f"{method} {url} {kwargs!r} -> {status}"[:2000])


def _is_failing_health_report(url: str, response) -> bool:
    """The health check's designed 503: its JSON report, saying which check fails."""
    return url == "/healthz" and response.is_json and response.json["status"] == "failing"


def _spec(rule, name: str) -> str:
    """The `<converter:name>` text of *name* in *rule*'s pattern."""
    start = rule.rule.index(name + ">")
    return rule.rule[rule.rule.rindex("<", 0, start) + 1 : start + len(name)]


def test_no_route_answers_5xx_to_hostile_input(app, client, auth, seeded):
    rng = random.Random(SEED)
    fuzzer = Fuzzer(client, seeded, rng)
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for role in ROLES:
        auth.login(role)
        for rule in rules:
            if rule.endpoint in SKIPPED:
                continue
            for _ in range(GETS_PER_ROUTE if "GET" in rule.methods else 0):
                fuzzer.send("GET", fuzzer.url(rule), query_string=fuzzer.query())
            for _ in range(POSTS_PER_ROUTE if "POST" in rule.methods else 0):
                fuzzer.send("POST", fuzzer.url(rule), data=fuzzer.form())
    assert not fuzzer.failures, "\n".join(fuzzer.failures)
