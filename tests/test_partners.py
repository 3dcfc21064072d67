"""Partner directory: seed, list, detail, edit."""

import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner, seed_partners
from tests.conftest import count


def test_seed_has_17_current_partners_and_the_merged_city(db):
    partners = db.session.scalars(sa.select(Partner)).all()
    assert len(partners) == 18
    current = [p for p in partners if p.is_current]
    assert len(current) == 16  # 17 relationships; two of them merged on 2026-07-01
    merged = get_partner("jeonnam-gwangju")
    assert merged.iso_code is None and merged.kr_code == "12"
    assert sorted(p.slug for p in merged.predecessors) == ["gwangju", "jeonnam"]
    gwangju = get_partner("gwangju")
    assert gwangju.valid_until.isoformat() == "2026-06-30"
    assert gwangju.successor.slug == "jeonnam-gwangju"
    seoul = get_partner("seoul")
    assert (seoul.name_zh, seoul.name_ko, seoul.name_en) == ("首尔特别市", "서울특별시", "Seoul")
    assert seoul.timezone == "Asia/Seoul"


def test_seed_is_idempotent_and_keeps_staff_edits(auth, client, db):
    auth.login("coordinator")
    response = client.post(
        "/partners/jeonnam-gwangju/edit",
        data=_form(get_partner("jeonnam-gwangju"), name_zh="全南光州特别市"),
    )
    assert response.status_code == 302
    assert seed_partners() == (0, 0)
    assert get_partner("jeonnam-gwangju").name_zh == "全南光州特别市"
    assert count(Partner) == 18


def _form(partner, **overrides):
    fields = ("name_zh", "name_ko", "name_en", "seat_zh", "seat_ko", "seat_en", "notes_zh",
              "notes_ko", "timezone")  # fmt: skip
    data = {f: getattr(partner, f) for f in fields}
    data["iso_code"] = partner.iso_code or ""
    data.update(overrides)
    return data


def test_list_shows_name_other_script_kind_status_and_count(auth, client, make_contact):
    make_contact("seoul")
    make_contact("seoul", is_active=False) if False else None
    auth.login("viewer", locale="zh")
    html = client.get("/partners/").get_data(as_text=True)
    assert "首尔特别市" in html and "서울특별시" in html
    assert "光州广域市" in html and "2026" in html
    auth.logout()
    auth.login("viewer", locale="ko")
    html = client.get("/partners/").get_data(as_text=True)
    assert html.index("서울특별시") < html.index("首尔特别市")


def test_detail_shows_predecessors_of_merged_city(auth, client):
    auth.login("viewer", locale="zh")
    html = client.get("/partners/jeonnam-gwangju").get_data(as_text=True)
    assert "光州广域市" in html and "全罗南道" in html


def test_unknown_slug_is_404(auth, client):
    auth.login("viewer")
    assert client.get("/partners/atlantis").status_code == 404
    assert client.get("/partners/atlantis/edit").status_code in (403, 404)


def test_viewer_cannot_edit(auth, client, db):
    auth.login("viewer")
    seoul = get_partner("seoul")
    assert client.get("/partners/seoul/edit").status_code == 403
    response = client.post("/partners/seoul/edit", data=_form(seoul, name_zh="X"))
    assert response.status_code == 403
    assert get_partner("seoul").name_zh == "首尔特别市"


def test_edit_validates_and_changes_nothing_on_error(auth, client, db):
    auth.login("coordinator", locale="en")
    seoul = get_partner("seoul")
    before = count(AuditEntry)
    bad = [
        {"name_zh": ""},
        {"timezone": "Mars/Olympus"},
        {"timezone": "UTC+8"},
        {"name_ko": "가" * 101},
        {"iso_code": "11"},
    ]
    for change in bad:
        response = client.post("/partners/seoul/edit", data=_form(seoul, **change))
        assert response.status_code == 400, change
    db.session.expire_all()
    assert get_partner("seoul").name_zh == "首尔特别市"
    assert count(AuditEntry) == before


def test_edit_saves_escapes_html_and_audits(auth, client, db):
    auth.login("coordinator", locale="zh")
    seoul = get_partner("seoul")
    data = _form(seoul, notes_zh="<script>alert(1)</script>", timezone="Asia/Seoul")
    assert client.post("/partners/seoul/edit", data=data).status_code == 302
    html = client.get("/partners/seoul").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    entry = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "partners")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action == "update"
    assert entry.changes["notes_zh"] == ["", "<script>alert(1)</script>"]


def test_merged_city_has_its_seat_and_is_found_by_its_short_name(auth, client):
    merged = get_partner("jeonnam-gwangju")
    assert (merged.seat_zh, merged.seat_ko) == (
        "光州、务安、顺天（分设厅舍）",
        "광주·무안·순천(3개 청사)",
    )
    auth.login("viewer")
    for query in ("광주특별시", "光州特别市"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "/partners/jeonnam-gwangju" in page, query
        assert "/partners/seoul" not in page
    page = client.get("/search", query_string={"q": "临时值"}).get_data(as_text=True)
    assert "/partners/jeonnam-gwangju" not in page  # notes are not searched
    page = client.get("/search", query_string={"q": "광주특별시x"}).get_data(as_text=True)
    assert "/partners/jeonnam-gwangju" not in page
