"""Fixtures for the API tests: a token of a user of a given role, and its headers."""

import pytest


@pytest.fixture
def api_token(app, db, make_user):
    """``api_token(role, scope)`` → (user, headers with a fresh bearer token)."""
    from scheduler.api.tokens.services import create_token
    from scheduler.auth.models import User

    def make(role="coordinator", scope="read", lang=None, user=None, **kwargs):
        user = user or make_user(role)
        with app.app_context():  # the token key is derived from the app's SECRET_KEY
            own = db.session.get(User, user.id)  # this context's session holds its own copy
            _token, secret = create_token(own, "tests", scope, **kwargs)
            db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
        if lang:
            headers["Accept-Language"] = lang
        return user, headers

    return make
