"""`flask slots` marks the times an open poll holds for the people searched, as the web page
does: "Held for a time poll: <title>" after the time in the text, the meeting under "held" in
the JSON; a time is still listed (a hold is no conflict); withdrawn, the poll holds nothing."""

import json
from datetime import UTC, datetime, timedelta

HELD = "  [Held for a time poll: 中韩视频连线]"
# The poll's second time: 2030-12-11 10:00–11:00 in Changchun.
HOLD = (datetime(2030, 12, 11, 2, 0, tzinfo=UTC), datetime(2030, 12, 11, 3, 0, tzinfo=UTC))


def _slots(app, draft, *extra, people=("li", "kim")):
    args = [
        "slots",
        "--from",
        "2030-12-11",
        "--to",
        "2030-12-11",
        "--duration",
        "60",
        "--now",
        "2030-01-01T00:00:00Z",
        "--limit",
        "1000",
        *extra,
    ]
    for who in people:
        args += ["--participant", draft[f"{who}_email"]]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _start(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _overlaps_hold(start: datetime) -> bool:
    return start < HOLD[1] and start + timedelta(minutes=60) > HOLD[0]


def test_the_text_marks_the_held_times_and_only_those(app, draft, chinese_poll):
    lines = _slots(app, draft).splitlines()
    assert (
        "2030-12-11T02:00:00Z  "
        f"{draft['li_email']} 2030-12-11 10:00 Asia/Shanghai · "
        f"{draft['kim_email']} 2030-12-11 11:00 Asia/Seoul{HELD}"
    ) in lines
    held = {line.split()[0] for line in lines if line.endswith(HELD)}
    assert held and held == {
        line.split()[0] for line in lines if _overlaps_hold(_start(line.split()[0]))
    }
    assert all(HELD not in line[: -len(HELD)] for line in lines)  # once a line, at its end


def test_the_json_names_the_meeting_of_the_hold(app, draft, chinese_poll):
    rows = json.loads(_slots(app, draft, "--json"))
    held = [r for r in rows if r["held"]]
    assert {r["start"] for r in held} == {
        r["start"] for r in rows if _overlaps_hold(_start(r["start"]))
    }
    assert {json.dumps(r["held"], ensure_ascii=False) for r in held} == {
        json.dumps(
            [{"meeting_id": draft["meeting_id"], "title": "中韩视频连线"}], ensure_ascii=False
        )
    }


def test_a_withdrawn_poll_and_people_not_asked_hold_nothing(
    app, client, draft, chinese_poll, make_user
):
    stranger = make_user("coordinator", timezone="Asia/Shanghai")
    draft = {**draft, "stranger_email": stranger.email}
    assert HELD not in _slots(app, draft, people=("stranger",))
    url = f"/meetings/{draft['meeting_id']}/polls/{chinese_poll.id}/withdraw"
    assert client.post(url).status_code == 302
    assert HELD not in _slots(app, draft)
    assert all(row["held"] == [] for row in json.loads(_slots(app, draft, "--json")))
