"""One search box, three scripts."""

import pytest


@pytest.fixture
def people(make_contact):
    return [
        make_contact("seoul", family_name_ko="김", given_name_ko="지수", family_name_zh="金",
                     given_name_zh="智秀", romanized_family="Kim", romanized_given="Ji-su"),
        make_contact("busan", family_name_ko="이", given_name_ko="민호", family_name_zh="李",
                     given_name_zh="敏浩", romanized_family="Lee", romanized_given="Min-ho"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "partner", "contact"),
    [
        ("서울", "서울특별시", None),
        ("首尔", "首尔特别市", None),
        ("Seoul", "首尔特别市", None),
        ("seoul", "首尔特别市", None),
        ("SEOUL", "首尔特别市", None),
        ("김", None, "金智秀"),
        ("金", None, "金智秀"),
        ("김지수", None, "金智秀"),
        ("kim", None, "金智秀"),
        ("Ji-su KIM", None, "金智秀"),
        ("敏浩", None, "李敏浩"),
    ],
)
def test_search_finds_names_in_any_script(auth, client, people, query, partner, contact):
    auth.login("viewer", locale="zh")
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    results = html[html.index('id="partner-results"') :]
    if partner:
        assert partner in results
    if contact:
        assert contact in results[results.index('id="contact-results"') :]


def test_search_does_not_match_everything(auth, client, people):
    auth.login("viewer", locale="zh")
    html = client.get("/search", query_string={"q": "%"}).get_data(as_text=True)
    assert "金智秀" not in html and "首尔特别市" not in html.split('id="partner-results"')[1]
    html = client.get("/search", query_string={"q": "김"}).get_data(as_text=True)
    assert "李敏浩" not in html


def test_search_escapes_the_query(auth, client):
    auth.login("viewer")
    html = client.get("/search", query_string={"q": "<script>x</script>"}).get_data(as_text=True)
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
