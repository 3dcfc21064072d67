"""Proposing the slot finder's suggestions: the ticked ones go to the new-meeting form (with
the search's people, partners and zone, as "Use this time" does, the first suggestion as the
draft's time), and once the draft is saved, to the poll form as its candidate times. Each
keeps the finder's score, which breaks ties in the ranking (`grid`)."""

from collections.abc import Iterable
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l

from scheduler.polls.forms import ProposeForm
from scheduler.polls.models import MAX_CANDIDATES, MIN_CANDIDATES
from scheduler.polls.services import PollError
from scheduler.slots.picks import Pick, decode_picks, encode_pick
from scheduler.timefmt import normalize_timezone, to_local_naive

PICK_ARG = "poll_time"  # the query argument that carries the suggestions on


def checked_picks(texts: Iterable[str]) -> list[Pick]:
    """The readable suggestions ticked; PollError unless there are 2 to 8."""
    picks = decode_picks(texts)
    if len(picks) < MIN_CANDIDATES:
        raise PollError(_l("Propose at least %(min)d times.", min=MIN_CANDIDATES))
    if len(picks) > MAX_CANDIDATES:
        raise PollError(_l("Propose at most %(max)d times.", max=MAX_CANDIDATES))
    return picks


def new_meeting_url(args, picks: list[Pick]) -> str:
    """The new-meeting form filled as "Use this time" fills it, carrying the suggestions."""
    zone = normalize_timezone(args.get("timezone", "")) or "UTC"
    first = picks[0]
    return url_for(
        "meetings.new_meeting",
        timezone=zone,
        start_local=to_local_naive(first.start, zone).isoformat(timespec="minutes"),
        end_local=to_local_naive(first.end, zone).isoformat(timespec="minutes"),
        people=args.getlist("people"),
        partner=args.getlist("partner"),
        **{PICK_ARG: [encode_pick(*pick) for pick in picks]},
    )


def prefill(form: ProposeForm, texts: Iterable[str], zone: str) -> list[str]:
    """Fill the poll form's rows with the carried suggestions (on *zone*'s clock); the
    suggestions as hidden values, so that saving can keep their scores."""
    picks = decode_picks(texts)[:MAX_CANDIDATES]
    for row, pick in enumerate(picks):
        form.starts[row].data = to_local_naive(pick.start, zone)
        form.ends[row].data = to_local_naive(pick.end, zone)
    return [encode_pick(*pick) for pick in picks]


def scores(texts: Iterable[str]) -> dict[datetime, int]:
    """Start → the finder's score, for the suggestions a posted poll form carried."""
    return {pick.start: pick.score for pick in decode_picks(texts)}
