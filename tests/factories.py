"""Factories with overridable defaults. Everything is flushed, never committed."""

import pytest

from scheduler.auth.services import create_user
from scheduler.contacts.services import create_contact
from scheduler.partners.services import get_partner


@pytest.fixture
def make_user(db):
    from tests.conftest import unique_email

    def make(role="coordinator", password="correct horse battery", email=None, **fields):
        fields.setdefault("name_zh", "王芳")
        fields.setdefault("name_ko", "왕팡")
        user = create_user(email or unique_email(role), password, role, **fields)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_contact(db):
    from tests.conftest import unique_email

    def make(partner="seoul", **fields):
        data = {
            "family_name_ko": "김",
            "given_name_ko": "민수",
            "family_name_zh": "金",
            "given_name_zh": "敏洙",
            "romanized_family": "Kim",
            "romanized_given": "Min-su",
            "email": unique_email("contact"),
            "language": "ko",
            "timezone": "Asia/Seoul",
        }
        data.update(fields)
        contact = create_contact(get_partner(partner), data)
        db.session.commit()
        return contact

    return make


@pytest.fixture
def make_meeting(db, make_user):
    """A meeting on 2030-12-03 14:30–16:00 Changchun time unless told otherwise."""
    from datetime import UTC, datetime

    from scheduler.meetings.services import create_meeting

    def make(organizer=None, partners=("seoul",), **data):
        values = {
            "kind": "video_link",
            "title_zh": "中韩视频连线",
            "title_ko": "한중 화상회의",
            "start_dt": datetime(2030, 12, 3, 6, 30, tzinfo=UTC),
            "end_dt": datetime(2030, 12, 3, 8, 0, tzinfo=UTC),
            "timezone": "Asia/Shanghai",
        }
        values.update(data)
        organizer = organizer or make_user("coordinator")
        meeting = create_meeting(organizer, values, [get_partner(p) for p in partners])
        db.session.commit()
        return meeting

    return make
