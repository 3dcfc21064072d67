"""Hostile input on the named cases answers with a page, a redirect or a refusal: never a 500.
(tests/test_fuzz.py throws random input at every route.)"""

import io

import pytest

from scheduler.contacts.models import Contact
from tests.conftest import count
from tests.follow_up_support import add_follow_up
from tests.test_contacts_io import _csv, _report, _row

LISTS = ["/contacts/", "/admin/users", "/follow-ups/?who=all", "/audit/", "/outbox/"]
PAGES = [str(10**30), "-1", "abc", "0", "1e9", "²", "9" * 400, ""]


@pytest.mark.parametrize("page", PAGES)
def test_any_page_number_shows_a_list(auth, client, db, page):
    auth.login("admin", locale="en")
    for url in LISTS:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}page={page}")
        assert response.status_code == 200, url


HOSTILE_NEXT = ["/x\r\nSet-Cookie: a=b", "/\n/evil.example", "/a\x00b", "/\x85", "//evil.example"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_next_goes_home(auth, client, db, make_user, target):
    user = make_user("viewer", password="correct horse battery")
    login = {"email": user.email, "password": "correct horse battery", "next": target}
    response = client.post("/login", data=login)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    response = client.post("/language", data={"lang": "ko", "next": target})
    assert (response.status_code, response.headers["Location"]) == (302, "/")


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_next_on_the_follow_up_status_form(auth, client, db, make_meeting, target):
    auth.login("coordinator", locale="en")
    follow_up = add_follow_up(make_meeting(), auth.user)
    response = client.post(
        f"/follow-ups/{follow_up.id}/status", data={"status": "done", "next": target}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    db.session.expire_all()
    assert follow_up.status == "done"


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ("language", "Unknown language “{value}”. Use zh, ko or en."),
        ("timezone", "Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul."),
    ],
)
def test_an_over_long_language_or_zone_cell_is_one_problem(auth, client, db, column, reason):
    auth.login("coordinator", locale="en")
    value = "Asia/" + "x" * 300
    data = _csv([_row(**{column: value})])
    form = {"file": (io.BytesIO(data), "people.csv")}
    response = client.post("/contacts/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert _report(response) == [("2", column, reason.format(value=value))]
    assert count(Contact) == 0


@pytest.mark.parametrize(
    "url",
    ["/partners/a%00b", "/partners/a%00b/history", "/search?q=%00", "/contacts/?partner=%00",
     "/history/?q=a%00b", "/meetings/99999999999", f"/contacts/{2**63}",
     "/history/report/99999999999"],
)  # fmt: skip
def test_nul_in_the_address_and_overflowing_ids_are_refused(auth, client, db, url):
    auth.login("admin", locale="en")
    assert client.get(url).status_code == (400 if "=" in url else 404)
