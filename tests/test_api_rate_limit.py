"""Per-token rate limits: reads and writes counted apart, in the shared store, per token;
over the limit a 429 problem with Retry-After, and nothing changed."""

import pytest
import sqlalchemy as sa

from scheduler.contacts.models import Contact

PROBLEM = "https://cnkr-scheduler.invalid/problems/"


@pytest.fixture
def small_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_READS_PER_MINUTE", 3)
    monkeypatch.setitem(app.config, "API_WRITES_PER_MINUTE", 2)


def test_reads_over_the_limit_get_429(client, api_token, small_limits):
    _user, headers = api_token("viewer", lang="ko")
    _other, other = api_token("viewer")
    answers = [client.get("/api/v1/partners/seoul", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "60"
    assert refused.json == {
        "type": PROBLEM + "too-many-requests",
        "title": "Too Many Requests",
        "status": 429,
        "detail": refused.json["detail"],
    }
    assert refused.headers["Content-Language"] == "ko"
    # Every resource shares the token's budget; another token has its own.
    assert client.get("/api/v1/meetings", headers=headers).status_code == 429
    assert client.get("/api/v1/partners/seoul", headers=other).status_code == 200


def test_writes_have_their_own_budget_and_a_refused_one_changes_nothing(
    client, db, api_token, small_limits
):
    _user, headers = api_token("coordinator", scope="write")
    count = sa.select(sa.func.count()).select_from(Contact)
    before = db.session.scalar(count)

    def create(name: str):
        body = {"partner": "seoul", "family_name_ko": name}
        return client.post("/api/v1/contacts", json=body, headers=headers)

    assert [create(n).status_code for n in ("가", "나", "다")] == [201, 201, 429]
    assert db.session.scalar(count) == before + 2
    # The slot search is a POST that changes nothing: it spends the read budget.
    search = {"participants": [], "first_day": "2030-12-02", "last_day": "2030-12-02"}
    assert client.post("/api/v1/slots/search", json=search, headers=headers).status_code == 422
    assert client.get("/api/v1/partners", headers=headers).status_code == 200
