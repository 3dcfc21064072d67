"""Answer POSTs are rate-limited per link in the shared limit store: past the limit the
answer page says so in the reader's language (429) and nothing is recorded; other links and
the GET page are not affected."""

import pytest

from tests.polls_support import answer_path, invitee_of, propose, the_poll


@pytest.fixture
def poll(app, client, auth, draft):
    app.config["POLL_ANSWER_LIMIT"] = 2
    auth.login()
    assert propose(client, draft).status_code == 302
    auth.logout()
    return the_poll(draft)


def _post(client, app, poll, participant_id, choice):
    data = {f"choice-{c.id}": choice for c in poll.candidates}
    return client.post(answer_path(app, invitee_of(poll, participant_id)), data=data)


def test_a_link_past_the_limit_gets_429_in_korean_and_nothing_changes(app, client, draft, poll):
    assert _post(client, app, poll, draft["kim"], "yes").status_code == 302
    assert _post(client, app, poll, draft["kim"], "no").status_code == 302
    refused = _post(client, app, poll, draft["kim"], "yes")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert "시도 횟수가 너무 많습니다. 잠시 후 다시 시도하세요." in page
    kim = invitee_of(the_poll(draft), draft["kim"])
    assert {kim.choice_for(c) for c in poll.candidates} == {"no"}
    path = answer_path(app, invitee_of(poll, draft["kim"]))
    assert client.get(path).status_code == 200


def test_the_limit_is_per_link_and_speaks_chinese_to_a_chinese_reader(app, client, draft, poll):
    for _ in range(2):
        assert _post(client, app, poll, draft["li"], "yes").status_code == 302
    refused = _post(client, app, poll, draft["li"], "no")
    assert refused.status_code == 429
    assert "尝试次数过多，请稍后再试。" in refused.get_data(as_text=True)
    assert _post(client, app, poll, draft["kim"], "yes").status_code == 302
