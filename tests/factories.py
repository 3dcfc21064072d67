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
