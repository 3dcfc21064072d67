"""`flask --app scheduler users create`: the piped-password path and its errors."""

import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.auth.models import User
from tests.conftest import count


def _create(app, *args, password="piped secret\n"):
    return app.test_cli_runner().invoke(args=["users", "create", *args], input=password)


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_with_password_from_stdin(app, client, db):
    result = _create(app, "Li.Na@Changchun.example.cn", "--role", "coordinator",
                     "--name-zh", "李娜", "--name-ko", "리나", "--timezone", "Asia/Harbin",
                     "--locale", "ko")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "created coordinator li.na@changchun.example.cn\n"
    user = _user(db, "li.na@changchun.example.cn")
    assert (user.role, user.name_zh, user.name_ko) == ("coordinator", "李娜", "리나")
    assert (user.timezone, user.locale, user.is_active_user) == ("Asia/Shanghai", "ko", True)
    login = {"email": user.email, "password": "piped secret"}
    assert client.post("/login", data=login).status_code == 302


def test_defaults_and_crlf_line_ending(app, client, db):
    result = _create(app, "viewer@example.org", "--role", "viewer", password="windows pw\r\n")
    assert result.exit_code == 0, result.output
    user = _user(db, "viewer@example.org")
    assert (user.timezone, user.locale, user.name_zh) == ("Asia/Shanghai", None, "")
    assert user.check_password("windows pw")


def test_creation_is_in_the_audit_log_without_the_password(app, db):
    _create(app, "audited@example.org", "--role", "admin")
    user = _user(db, "audited@example.org")
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "users", AuditEntry.object_id == user.id
        )
    )
    assert (entry.action, entry.user_id, entry.object_label) == ("create", None, user.email)
    assert entry.changes["password_hash"] == [None, "***"]
    assert entry.changes["role"] == [None, "admin"]


def test_duplicate_email_is_refused(app, db, make_user):
    make_user("viewer", email="taken@example.org")
    before = count(User)
    result = _create(app, "TAKEN@example.org", "--role", "admin")
    assert result.exit_code == 1
    assert "Error: a user with the e-mail taken@example.org already exists" in result.output
    assert count(User) == before
    assert _user(db, "taken@example.org").role == "viewer"


def test_unknown_role_is_refused(app, db):
    before = count(User)
    result = _create(app, "new@example.org", "--role", "superuser")
    assert result.exit_code == 2
    assert "Invalid value for '--role': 'superuser' is not one of" in result.output
    assert count(User) == before


def test_unknown_zone_is_refused(app, db):
    for zone in ("Mars/Olympus", "UTC+8", "Etc/GMT-8"):
        result = _create(app, "new@example.org", "--role", "viewer", "--timezone", zone)
        assert result.exit_code == 2, zone
        assert f"Invalid value for --timezone: unknown time zone '{zone}'" in result.output
    assert _user(db, "new@example.org") is None


def test_short_or_missing_password_is_refused(app, db):
    for password in ("seven77\n", "\n", ""):
        result = _create(app, "new@example.org", "--role", "viewer", password=password)
        assert result.exit_code == 1, repr(password)
        assert "Error: the password must be at least 8 characters long" in result.output
    assert _user(db, "new@example.org") is None


def test_invalid_email_is_refused(app, db):
    before = count(User)
    result = _create(app, "not-an-email", "--role", "viewer")
    assert result.exit_code == 2
    assert "Invalid value for EMAIL:" in result.output
    assert count(User) == before


def test_unknown_locale_is_refused(app, db):
    result = _create(app, "new@example.org", "--role", "viewer", "--locale", "fr")
    assert result.exit_code == 2
    assert "Invalid value for '--locale': 'fr' is not one of 'zh', 'ko', 'en'." in result.output
    assert _user(db, "new@example.org") is None


def test_created_users_get_their_sides_office_hours(app, db):
    from scheduler.auth.services import find_user

    runner = app.test_cli_runner()
    args = [
        "users",
        "create",
        "seoul-desk@example.org",
        "--role",
        "viewer",
        "--timezone",
        "Asia/Seoul",
    ]
    assert runner.invoke(args=args, input="long enough password\n").exit_code == 0
    assert find_user("seoul-desk@example.org").working_hours == "Mon-Fri 09:00-12:00,13:00-18:00"
