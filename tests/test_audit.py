"""The audit log: rows written for changes, and the admin's browser with its filters."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.audit.services import set_actor
from scheduler.contacts.models import Contact
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner


def _entries(db, object_type, object_id):
    query = sa.select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == object_id
    )
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


def _contact_form(**overrides):
    data = {"family_name_ko": "박", "given_name_ko": "서준", "family_name_zh": "朴",
            "given_name_zh": "瑞俊", "romanized_family": "Park", "romanized_given": "Seo-jun",
            "title_zh": "主办", "email": "seojun.park@busan.example.kr", "language": "ko",
            "timezone": "Asia/Seoul"}  # fmt: skip
    data.update(overrides)
    return data


def _visible(cell: str) -> str:
    """Text without tags; ASCII white space collapsed (Babel's narrow no-break space kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def _rows(html: str) -> list[dict]:
    """Each table row of the audit page as {column class: visible text}."""
    rows = []
    for body in re.findall(r'<tr id="entry-\d+">(.*?)</tr>', html, re.S):
        cells = re.findall(r'<td class="(\w+)">(.*?)</td>', body, re.S)
        rows.append({name: _visible(text) for name, text in cells})
    return rows


def _add_entry(db, at, user=None, **fields):
    values = {"action": "update", "object_type": "contacts", "object_id": None,
              "object_label": "label", "changes": {}}  # fmt: skip
    values.update(fields)
    entry = AuditEntry(at=at, user_id=user.id if user else None, **values)
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.fixture
def admin(auth):
    return auth.login("admin", locale="en", timezone="Asia/Shanghai")


def test_contact_create_update_deactivate_are_recorded(auth, client, db):
    coordinator = auth.login("coordinator")
    assert client.post("/contacts/new/busan", data=_contact_form()).status_code == 302
    contact_id = db.session.scalar(
        sa.select(Contact.id).where(Contact.email == "seojun.park@busan.example.kr")
    )
    client.post(f"/contacts/{contact_id}/edit", data=_contact_form(title_zh="处长"))
    client.post(f"/contacts/{contact_id}/active", data={"active": "0"})
    entries = _entries(db, "contacts", contact_id)
    assert [e.action for e in entries] == ["create", "update", "deactivate"]
    assert {e.user_id for e in entries} == {coordinator.id}
    assert entries[0].changes["given_name_ko"] == [None, "서준"]
    assert entries[0].changes["email"] == [None, "seojun.park@busan.example.kr"]
    assert entries[1].changes == {"title_zh": ["主办", "处长"]}
    assert entries[2].changes == {"is_active": [True, False]}
    assert entries[0].object_label == "박서준"


def test_partner_create_and_update_are_recorded(auth, client, db):
    coordinator = auth.login("coordinator")
    seoul = get_partner("seoul")
    form = {f: getattr(seoul, f) or "" for f in ("name_zh", "name_ko", "seat_zh", "seat_ko",
                                                  "seat_en", "iso_code", "notes_zh", "notes_ko",
                                                  "timezone")}  # fmt: skip
    response = client.post("/partners/seoul/edit", data={**form, "name_en": "Seoul City"})
    assert response.status_code == 302
    update = _entries(db, "partners", seoul.id)[-1]
    assert (update.action, update.user_id) == ("update", coordinator.id)
    assert update.changes["name_en"] == ["Seoul", "Seoul City"]
    set_actor(db.session, coordinator.id)
    partner = Partner(slug="test-city", kr_code="99", kind="province", name_zh="测试",
                      name_ko="테스트", name_en="Test", edited_fields=[])  # fmt: skip
    db.session.add(partner)
    db.session.commit()
    created = _entries(db, "partners", partner.id)
    assert [(e.action, e.user_id) for e in created] == [("create", coordinator.id)]
    assert created[0].changes["slug"] == [None, "test-city"]
    assert created[0].object_label == "测试 / 테스트"


def test_browser_shows_who_what_when_with_before_and_after(admin, client, db, make_contact):
    contact = make_contact("seoul", family_name_ko="이", given_name_ko="<b>지은</b>")
    at = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)
    changes = {"title_zh": ["主办", "<i>处长</i>"], "phone": [None, "123"]}
    entry = _add_entry(db, at, admin, object_id=contact.id, object_label=contact.audit_label(),
                       changes=changes)  # fmt: skip
    html = client.get(f"/audit/?user={admin.id}&object_type=contacts").get_data(as_text=True)
    assert _rows(html) == [
        {
            "when": "Sun, Mar 2, 2025 12:30 AM Changchun time",
            "who": "王芳",
            "action": "Changed",
            "object": "Contacts: 이&lt;b&gt;지은&lt;/b&gt;",
            "changes": "Title (Chinese) : 主办 → &lt;i&gt;处长&lt;/i&gt; Phone : — → 123",
        }
    ]
    assert f'<a href="/contacts/{contact.id}">이&lt;b&gt;지은&lt;/b&gt;</a>' in html
    assert f'<tr id="entry-{entry.id}">' in html


def test_object_without_a_page_is_shown_without_link(admin, client, db):
    at = datetime(2025, 3, 1, tzinfo=UTC)
    _add_entry(db, at, admin, object_id=987654, object_label="Gone")
    html = client.get(f"/audit/?user={admin.id}&object_type=contacts").get_data(as_text=True)
    assert _rows(html) and _rows(html)[0]["object"] == "Contacts: Gone"
    assert "/contacts/987654" not in html


def test_passwords_are_never_shown(admin, client, db, make_user):
    user = make_user("viewer")
    client.post(f"/admin/users/{user.id}/password", data={"new_password": "new secret"})
    html = client.get(f"/audit/?user={admin.id}&object_type=users&action=update")
    rows = _rows(html.get_data(as_text=True))
    assert [r["changes"] for r in rows] == ["Password : *** → ***"]
    assert rows[0]["object"] == f"Users: {user.email}"
    assert user.password_hash not in html.get_data(as_text=True)


def test_newest_first_and_fifty_per_page(admin, client, db):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(51):
        _add_entry(db, start + timedelta(hours=n), admin, object_label=f"item {n}")
    url = f"/audit/?user={admin.id}&object_type=contacts"
    first_html = client.get(url).get_data(as_text=True)
    first = _rows(first_html)
    assert len(first) == 50
    assert first[0]["object"] == "Contacts: item 50"
    assert first[-1]["object"] == "Contacts: item 1"
    second_html = client.get(f"{url}&page=2").get_data(as_text=True)
    assert [r["object"] for r in _rows(second_html)] == ["Contacts: item 0"]
    assert f'href="/audit/?page=2&amp;user={admin.id}&amp;object_type=contacts"' in first_html


def test_filters_by_user_object_type_and_action(admin, client, db, make_user):
    other = make_user("coordinator")
    at = datetime(2025, 5, 1, tzinfo=UTC)
    _add_entry(db, at, admin, action="create", object_type="partners", object_label="p-create")
    _add_entry(db, at, admin, action="update", object_type="contacts", object_label="c-update")
    _add_entry(db, at, other, action="update", object_type="contacts", object_label="o-update")
    _add_entry(db, at, other, action="import", object_type="contacts", object_label="o-import")

    def labels(query):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200, query
        return sorted(r["object"].split(": ")[1] for r in _rows(response.get_data(as_text=True)))

    assert labels(f"user={other.id}") == ["o-import", "o-update"]
    assert labels(f"user={admin.id}&object_type=partners") == ["p-create"]
    assert labels(f"user={admin.id}&action=update") == ["c-update"]
    assert labels(f"user={other.id}&action=import&object_type=contacts") == ["o-import"]
    assert labels(f"user={other.id}&object_type=users") == []


def test_dates_are_days_on_the_viewers_clock(auth, client, db):
    at = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)  # 3 March 00:30 in Changchun, 1 March in London
    shanghai = auth.login("admin", locale="en", timezone="Asia/Shanghai")
    _add_entry(db, at, shanghai, object_label="late")

    def labels(user, query):
        url = f"/audit/?user={user.id}&object_type=contacts&{query}"
        html = client.get(url).get_data(as_text=True)
        return [r["object"] for r in _rows(html)]

    assert labels(shanghai, "date_from=2025-03-02&date_to=2025-03-02") == ["Contacts: late"]
    assert labels(shanghai, "date_to=2025-03-01") == []
    assert labels(shanghai, "date_from=2025-03-03") == []
    auth.logout()
    london = auth.login("admin", locale="en", timezone="Europe/London")
    _add_entry(db, at, london, object_label="late")
    assert labels(london, "date_from=2025-03-01&date_to=2025-03-01") == ["Contacts: late"]
    assert labels(london, "date_from=2025-03-02") == []


BAD_FILTERS = [
    ("action=delete", "action", "Choose one of the values offered."),
    ("action=<script>", "action", "Choose one of the values offered."),
    ("object_type=meetings", "object_type", "Choose one of the values offered."),
    ("user=abc", "user", "Choose a user from the list."),
    ("user=99999999", "user", "Choose a user from the list."),
    ("date_from=2025-13-01", "date_from", "Enter a date as YYYY-MM-DD, for example 2025-03-01."),
    ("date_to=01/03/2025", "date_to", "Enter a date as YYYY-MM-DD, for example 2025-03-01."),
    ("date_from=2025-03-02&date_to=2025-03-01", "date_to",
     "The end date must not be before the start date."),
]  # fmt: skip


@pytest.mark.parametrize(("query", "field", "message"), BAD_FILTERS)
def test_bad_filters_are_400_with_a_message(admin, client, query, field, message):
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<div class="invalid-feedback d-block" id="{field}-error">{message}</div>' in html
    assert _rows(html) == []


def test_bad_filter_value_is_escaped_when_shown_again(admin, client):
    response = client.get('/audit/?date_from="><script>x()</script>')
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>x()" not in html
    assert 'value="&#34;&gt;&lt;script&gt;x()&lt;/script&gt;"' in html


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_only_admins_see_the_audit_log(auth, client, role):
    auth.login(role)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/?action=bogus").status_code == 403


def test_audit_log_needs_login(client, db):
    response = client.get("/audit/")
    assert response.status_code == 302 and response.location.startswith("/login")
