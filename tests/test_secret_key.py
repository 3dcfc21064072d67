"""No known secret: development generates its own key into a 0600 file, every configuration
but testing refuses the old public constant and short keys, and a cookie signed with the old
constant opens nothing."""

import hashlib
import os
import stat

import pytest
from flask_login.utils import encode_cookie
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer

from config import INSECURE_DEFAULT_SECRET, DevelopmentConfig, ProductionConfig, TestingConfig
from scheduler import create_app
from scheduler.auth.services import create_user
from scheduler.extensions import db
from scheduler.security import load_or_create_secret_key, write_private_file

PASSWORD = "correct horse battery"  # noqa: S105


def _settings(cls, tmp_path, **more) -> dict:
    """*cls*'s settings with the key file and the data kept under *tmp_path*."""
    settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
    instance = tmp_path / "instance"
    return {
        **settings,
        "SECRET_KEY_FILE": str(instance / "secret_key"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAIL_FOLDER": str(instance / "mail"),
        "FEED_CACHE_FOLDER": str(instance / "feed-cache"),
        **more,
    }


def _fresh_development_app(tmp_path, **more):
    """What the first `make run` builds: development settings, no SECRET_KEY in the env."""
    return create_app(_settings(DevelopmentConfig, tmp_path, **{"SECRET_KEY": "", **more}))


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the generated key ---------------------------------------------------------------------


def test_first_development_start_writes_a_private_key_and_later_starts_reuse_it(tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    old_umask = os.umask(0)  # 0600 even when the umask would allow more
    try:
        first = _fresh_development_app(tmp_path)
    finally:
        os.umask(old_umask)
    key = first.config["SECRET_KEY"]
    assert len(key) == 64 and key not in (INSECURE_DEFAULT_SECRET, TestingConfig.SECRET_KEY)
    assert key_file.read_text() == key + "\n"
    assert _mode(key_file) == 0o600
    assert os.listdir(key_file.parent) == ["secret_key"]  # no temporary file left behind
    inode = key_file.stat().st_ino

    second = _fresh_development_app(tmp_path)
    assert second.config["SECRET_KEY"] == key
    assert key_file.stat().st_ino == inode and key_file.read_text() == key + "\n"


def test_each_instance_generates_its_own_key(tmp_path):
    one = _fresh_development_app(tmp_path / "one").config["SECRET_KEY"]
    other = _fresh_development_app(tmp_path / "other").config["SECRET_KEY"]
    assert one != other


def test_a_secret_key_from_the_environment_is_used_and_no_file_written(tmp_path):
    app = _fresh_development_app(tmp_path, SECRET_KEY="k" * 32)
    assert app.config["SECRET_KEY"] == "k" * 32
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_a_key_written_by_another_process_first_is_the_one_used(tmp_path, monkeypatch):
    key_file = tmp_path / "secret_key"
    real_link = os.link

    def lose_the_race(source, target):
        key_file.write_text("w" * 40 + "\n")  # another worker's key lands first
        real_link(source, target)

    monkeypatch.setattr(os, "link", lose_the_race)
    assert load_or_create_secret_key(key_file) == ("w" * 40, False)
    assert os.listdir(tmp_path) == ["secret_key"]


@pytest.mark.parametrize("content", ["", "\n", "x" * 31, INSECURE_DEFAULT_SECRET + "\n"])
def test_a_key_file_without_a_long_enough_key_stops_the_start(tmp_path, content):
    key_file = tmp_path / "instance" / "secret_key"
    key_file.parent.mkdir()
    key_file.write_text(content)
    with pytest.raises(RuntimeError, match=r"secret_key holds no SECRET_KEY of 32 bytes"):
        _fresh_development_app(tmp_path)
    assert key_file.read_text() == content  # left for the operator to look at


def test_private_files_are_0600_and_never_written_through_a_symlink(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    target.chmod(0o644)
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OSError):
        write_private_file(link, "secret")
    assert target.read_text() == "keep"
    existing = tmp_path / "existing"
    existing.write_text("old contents, longer than the new")
    existing.chmod(0o644)
    write_private_file(existing, "new")
    assert existing.read_text() == "new" and _mode(existing) == 0o600


# --- refused keys --------------------------------------------------------------------------

REFUSED = [
    ("", "SECRET_KEY is not set"),
    (INSECURE_DEFAULT_SECRET, "SECRET_KEY is a publicly known value"),
    (TestingConfig.SECRET_KEY, "SECRET_KEY is a publicly known value"),
    ("x" * 31, "SECRET_KEY is shorter than 32 bytes"),
    ("비밀" * 5, "SECRET_KEY is shorter than 32 bytes"),  # 10 characters, 30 bytes
]


@pytest.mark.parametrize(("key", "message"), REFUSED[1:])
def test_development_refuses_known_and_short_keys(tmp_path, key, message):
    with pytest.raises(RuntimeError, match=message):
        _fresh_development_app(tmp_path, SECRET_KEY=key)
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize(("key", "message"), REFUSED)
def test_production_refuses_missing_known_and_short_keys(tmp_path, key, message):
    with pytest.raises(RuntimeError, match=message):
        create_app(_settings(ProductionConfig, tmp_path, SECRET_KEY=key))
    assert not (tmp_path / "instance").exists()  # production never generates a key


def test_the_error_says_how_to_make_a_good_key(tmp_path):
    with pytest.raises(RuntimeError, match=r"secrets\.token_urlsafe\(48\)"):
        create_app(_settings(ProductionConfig, tmp_path, SECRET_KEY="short"))


@pytest.mark.parametrize("key", ["x" * 32, "비밀번호" * 3, b"\x00" * 32])
def test_keys_of_32_bytes_are_accepted(tmp_path, key):
    for cls in (DevelopmentConfig, ProductionConfig):
        assert create_app(_settings(cls, tmp_path, SECRET_KEY=key)).config["SECRET_KEY"] == key


def test_testing_keeps_its_fixed_key(tmp_path):
    app = create_app(_settings(TestingConfig, tmp_path))
    assert app.config["SECRET_KEY"] == "testing-secret-key"
    assert not (tmp_path / "instance").exists()


# --- the forged cookie ---------------------------------------------------------------------


def _session_cookie(app, key: str, identity: str) -> str:
    """A Flask session cookie saying the user of login *identity* is signed in, signed with
    *key* the way Flask signs its own (its salt, serializer and HMAC-SHA1 key derivation)."""
    interface = app.session_interface
    signer = {"key_derivation": interface.key_derivation, "digest_method": hashlib.sha1}
    serializer = URLSafeTimedSerializer(
        key, salt=interface.salt, serializer=interface.serializer, signer_kwargs=signer
    )
    return serializer.dumps({"_user_id": identity, "_fresh": True})


def _instance_with_an_admin(tmp_path):
    app = _fresh_development_app(tmp_path)
    with app.app_context():
        upgrade()
        identity = create_user("admin@example.org", PASSWORD, "admin").get_id()
        db.session.commit()
    return app, identity


def _refused(client) -> None:
    for path in ("/", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")


def test_a_session_cookie_signed_with_the_old_constant_is_refused(tmp_path):
    app, identity = _instance_with_an_admin(tmp_path)
    client = app.test_client()

    client.set_cookie("session", _session_cookie(app, INSECURE_DEFAULT_SECRET, identity))
    _refused(client)

    # The same cookie signed with this instance's own key opens the page: only the key differs.
    client.set_cookie("session", _session_cookie(app, app.config["SECRET_KEY"], identity))
    assert client.get("/admin/users").status_code == 200


def test_a_remember_me_cookie_signed_with_the_old_constant_is_refused(tmp_path):
    app, identity = _instance_with_an_admin(tmp_path)
    client = app.test_client()
    client.set_cookie("remember_token", encode_cookie(identity, key=INSECURE_DEFAULT_SECRET))
    _refused(client)

    other = app.test_client()
    other.set_cookie("remember_token", encode_cookie(identity, key=app.config["SECRET_KEY"]))
    assert other.get("/admin/users").status_code == 200
