"""Personal API tokens: CLI and profile page lifecycle, and who gets in (401/403)."""

import json
import re
from datetime import timedelta

import sqlalchemy as sa

from scheduler.api.tokens.models import ApiToken
from scheduler.db import now_utc
from tests.conftest import count

TOKEN = re.compile(r"cnkr_[A-Za-z0-9_-]{43}")
UNAUTHORIZED = "https://cnkr-scheduler.invalid/problems/unauthorized"


def test_cli_creates_lists_and_revokes(app, client, db, make_user):
    user = make_user("viewer")
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "tokens",
            "create",
            user.email.upper(),
            "--scope",
            "read",
            "--expires",
            "30",
            "--name",
            "OA system",
        ]
    )
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    assert TOKEN.fullmatch(secret)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert secret not in token.token_hash and token.prefix == secret[:11]
    assert timedelta(days=29, hours=23) < token.expires_at - token.created_at <= timedelta(days=30)

    assert (
        client.get("/api/v1/partners", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    listed = json.loads(runner.invoke(args=["tokens", "list", user.email, "--json"]).output)
    assert [(r["id"], r["name"], r["scope"], r["status"]) for r in listed] == [
        (token.id, "OA system", "read", "active")
    ]
    assert listed[0]["last_used_at"].endswith("Z")
    assert secret not in runner.invoke(args=["tokens", "list", user.email]).output

    revoked = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert revoked.exit_code == 0 and revoked.output == f"Token {token.id} revoked.\n"
    answer = client.get("/api/v1/partners", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401 and answer.json["type"] == UNAUTHORIZED


def test_cli_refuses_bad_input(app, db, make_user):
    user = make_user()
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["tokens", "create", "nobody@example.org", "--scope", "read"])
    assert unknown.exit_code == 1 and "No user with e-mail 'nobody@example.org'." in unknown.output
    scope = runner.invoke(args=["tokens", "create", user.email, "--scope", "admin"])
    assert scope.exit_code == 2
    days = runner.invoke(args=["tokens", "create", user.email, "--scope", "read", "--expires", "0"])
    assert days.exit_code == 1 and "1 to 3,650 days" in days.output
    missing = runner.invoke(args=["tokens", "revoke", "999999"])
    assert missing.exit_code == 1 and "No token with id 999999." in missing.output
    assert count(ApiToken, ApiToken.user_id == user.id) == 0


def test_profile_page_creates_shows_once_and_revokes(client, auth, db):
    user = auth.login("viewer", locale="en")
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="api-tokens"' in page and "No API tokens yet." in page
    assert '<option value="write"' not in page  # a viewer cannot change anything anyway

    made = client.post("/profile/api-tokens", data={"name": "Notebook", "scope": "read"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    secret = TOKEN.search(made.get_data(as_text=True)).group(0)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert (token.name, token.scope, token.expires_at) == ("Notebook", "read", None)

    listed = client.get("/profile").get_data(as_text=True)
    assert "Notebook" in listed and token.prefix in listed and secret not in listed

    revoked = client.post(f"/profile/api-tokens/{token.id}/revoke")
    assert revoked.status_code == 302 and revoked.headers["Location"].endswith(
        "/profile#api-tokens"
    )
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_profile_page_refuses_bad_input_and_others_tokens(client, auth, db, api_token):
    auth.login("viewer")
    refused = client.post("/profile/api-tokens", data={"name": "", "scope": "read"})
    assert refused.status_code == 302
    assert (
        client.post("/profile/api-tokens", data={"name": "x", "scope": "write"}).status_code == 302
    )
    assert count(ApiToken, ApiToken.user_id == auth.user.id) == 0
    other, _headers = api_token("coordinator")
    theirs = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == other.id))
    assert client.post(f"/profile/api-tokens/{theirs.id}/revoke").status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None


def test_profile_form_needs_csrf(app, client, auth):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/profile/api-tokens", data={"name": "x", "scope": "read"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert count(ApiToken, ApiToken.user_id == auth.user.id) == 0


def _problem_401(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    return response.json


def test_every_refused_token_gets_the_same_401(client, db, api_token, make_user):
    user, good = api_token("coordinator")
    _expired_user, expired = api_token("coordinator", expires_days=1)
    token = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id.desc())).first()
    token.expires_at = now_utc() - timedelta(seconds=1)
    _revoked_user, revoked = api_token("coordinator")
    newest = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id.desc())).first()
    newest.revoked_at = now_utc()
    inactive_user, inactive = api_token("coordinator")
    inactive_user.is_active_user = False
    db.session.commit()

    refusals = [
        client.get("/api/v1/partners"),
        client.get("/api/v1/partners", headers={"Authorization": "Basic abc"}),
        client.get("/api/v1/partners", headers={"Authorization": "Bearer nonsense"}),
        client.get("/api/v1/partners", headers={"Authorization": "Bearer cnkr_" + "A" * 43}),
        client.get("/api/v1/partners", headers=expired),
        client.get("/api/v1/partners", headers=revoked),
        client.get("/api/v1/partners", headers=inactive),
    ]
    bodies = {json.dumps(_problem_401(r), sort_keys=True) for r in refusals}
    assert len(bodies) == 1
    assert client.get("/api/v1/partners", headers=good).status_code == 200


def test_a_session_cookie_does_not_open_the_api(client, auth):
    auth.login("admin")
    assert client.get("/profile").status_code == 200
    _problem_401(client.get("/api/v1/partners"))


def test_last_use_is_recorded_on_a_read(client, db, api_token):
    user, headers = api_token("viewer")
    assert client.get("/api/v1/partners", headers=headers).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is not None
