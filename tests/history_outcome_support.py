"""Helpers shared by the outcome and attachment tests."""

from contextlib import contextmanager

from scheduler.history.signals import outcome_changed


def mark_held(client, meeting) -> None:
    """Confirm *meeting* and mark it held through the pages (the client is signed in)."""
    for action in ("confirm", "held"):
        response = client.post(f"/meetings/{meeting.id}/{action}")
        assert response.status_code == 302, response.get_data(as_text=True)


@contextmanager
def outcome_signals():
    """The ids of the meetings `outcome_changed` was sent for while inside the block."""
    received = []

    def listener(meeting, **_details):
        received.append(meeting.id)

    outcome_changed.connect(listener)
    try:
        yield received
    finally:
        outcome_changed.disconnect(listener)
