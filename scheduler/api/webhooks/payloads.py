"""What a webhook carries: the resource as the API shows it to a viewer.

Every endpoint of an event gets the same ``data``: the representation a *viewer*'s token
reads (`meeting_json` with a viewer), never contact e-mail addresses or phone numbers, whoever
registered the endpoint. A receiver that needs more asks the API with a token of its own, so
no personal detail leaves by a channel the API's role rules do not govern.
"""

from types import SimpleNamespace

from scheduler.api.representations import meeting_json, names, utc_text

# The role whose view every webhook shows (see the module's docstring).
WEBHOOK_VIEWER = SimpleNamespace(role="viewer")


def meeting_data(meeting) -> dict:
    """A meeting as a viewer's token reads it from /api/v1/meetings/<id>."""
    return meeting_json(meeting, WEBHOOK_VIEWER)


def rsvp_data(participant, answer: str) -> dict:
    """The meeting, the answer and the participant who gave it (as in the meeting's list)."""
    meeting = meeting_data(participant.meeting)
    index = next(i for i, p in enumerate(participant.meeting.participants) if p is participant)
    return {"answer": answer, "participant": meeting["participants"][index], "meeting": meeting}


def visit_data(visit) -> dict:
    """A visit's dates, names, partners and itinerary meetings (ids; read each by the API)."""
    return {
        "id": visit.id,
        "direction": visit.direction,
        "title": names(visit, "title"),
        "start_date": visit.start_date.isoformat(),
        "end_date": visit.end_date.isoformat(),
        "timezone": visit.timezone,
        "partners": sorted(p.slug for p in visit.partners),
        "meetings": sorted(m.id for m in visit.meetings),
        "updated_at": utc_text(visit.updated_at),
    }


def poll_data(poll) -> dict:
    """A closed time poll: the time chosen and the meeting it was for."""
    chosen = poll.chosen
    return {
        "id": poll.id,
        "status": poll.status,
        "closed_at": utc_text(poll.closed_at),
        "chosen": {"start": utc_text(chosen.start_dt), "end": utc_text(chosen.end_dt)}
        if chosen
        else None,
        "meeting": meeting_data(poll.meeting),
    }
