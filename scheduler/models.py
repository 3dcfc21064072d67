"""Import every model so the metadata (and Alembic) sees the whole schema."""

from scheduler.audit.models import AuditEntry
from scheduler.auth.models import LoginFailure, User
from scheduler.availability.models import HolidayOverride
from scheduler.contacts.models import Contact
from scheduler.meetings.models import Meeting, Participant, Room, meeting_partners
from scheduler.partners.models import Partner

__all__ = [
    "AuditEntry", "Contact", "HolidayOverride", "LoginFailure", "Meeting", "Participant",
    "Partner", "Room", "User", "meeting_partners",
]  # fmt: skip
