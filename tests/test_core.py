"""App factory, configuration, guards and headers."""

import pytest

from config import ProductionConfig
from scheduler import create_app


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-insecure-change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_missing_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_pages_need_login(client):
    for url in ("/", "/partners/", "/partners/seoul", "/contacts/", "/search?q=a"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")


def test_login_page_and_static_files_are_public(client):
    assert client.get("/login").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


def test_security_headers_and_no_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "onclick" not in html
    assert "cdn" not in html.lower()


def test_unknown_page_is_a_translated_404(auth, client):
    auth.login(locale="ko")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "이 페이지는 존재하지 않습니다." in response.get_data(as_text=True)
