"""Who an action would e-mail, found by doing it and taking it back (issue 12, item 5).

A confirmation page (confirm, cancel, postpone, remove a participant, a series' cancel) must
name the people the action will mail. Rather than restate the invite rules here (they live
in `scheduler.invites.dispatch`, above this package), `dry_run` runs the very change the
POST would run, asks the `planned_mail` receivers which addresses they would write to, and
rolls the transaction back: nothing is kept, nothing is queued (the invites wait for the
commit that never comes), and the list is the one the button will really produce.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import render_template

from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.i18n import contact_label, user_name
from scheduler.meetings.models import Participant
from scheduler.meetings.signals import planned_addresses


@dataclass(frozen=True)
class MailedPerson:
    """One line of a confirmation page: the person (with their partner) and the address."""

    label: str
    email: str


def participant_email(participant: Participant) -> str:
    """The address a participant is written to ("" when they have none)."""
    if participant.user is not None:
        return participant.user.email or ""
    if participant.contact is not None:
        return participant.contact.email or ""
    return participant.guest_email or ""


def participant_with_partner(participant: Participant) -> str:
    """``김서연 · 부산광역시`` for a contact, the name for staff and guests (reader's script)."""
    if participant.user is not None:
        return user_name(participant.user)
    if participant.contact is not None:
        return contact_label(participant.contact)
    return participant.guest_name or participant.guest_email


def _lines(participants: Iterable[Participant]) -> list[MailedPerson]:
    """A line per address, named after the first participant with it, in the given order."""
    result, seen = [], set()
    for participant in participants:
        email = participant_email(participant)
        if email and email.strip().lower() not in seen:
            seen.add(email.strip().lower())
            result.append(MailedPerson(participant_with_partner(participant), email))
    return result


def dry_run(
    change: Callable[[], object], participants: Iterable[Participant]
) -> tuple[list[MailedPerson], UserError | None]:
    """Run *change*, note whom it would mail (named after *participants*), roll back.

    Returns the people and, when the change itself is refused (a closed meeting, nothing
    left to confirm), the error instead: the page then says why, and offers no button."""
    lines = _lines(participants)  # before the change: it may delete one of them
    try:
        change()
        db.session.flush()
        addresses = planned_addresses()
    except UserError as error:
        return [], error
    finally:
        db.session.rollback()
    named = [line for line in lines if line.email.strip().lower() in addresses]
    known = {line.email.strip().lower() for line in named}
    return named + [MailedPerson("", a) for a in sorted(addresses - known)], None


@dataclass(frozen=True)
class Ask:
    """What a confirmation page asks: its heading and button, where the button posts (with
    which hidden fields, the meeting's version among them), and the way back."""

    heading: str
    button: str
    post_url: str
    back_url: str
    hidden: dict = field(default_factory=dict)
    danger: bool = False
    warn: bool = False  # show the meeting's date and time warnings (before confirming)


def confirmation_page(ask: Ask, meeting, change, participants, reason_form=None):
    """The page for *ask* about *meeting*, naming whom *change* would e-mail (`dry_run`);
    400 when the change would be refused (the page says why and offers no button)."""
    people, error = dry_run(change, participants)
    page = render_template(
        "meetings/confirm.html",
        ask=ask,
        meeting=meeting,
        people=people,
        error=error,
        reason_form=reason_form,
    )
    return page, 400 if error else 200
