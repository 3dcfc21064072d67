"""Meetings and who takes part. Every instant is UTC; `timezone` is the zone it was planned in."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import TimestampMixin, UTCDateTime, one_of, partner_link_table
from scheduler.extensions import db
from scheduler.sides import CHINA, HOST_SIDE_CODES, KOREA, OFFICE_ZONE

MAX_OFFSET_MINUTES = 14 * 24 * 60  # reminders at most two weeks ahead
# The years a meeting can lie in: China and the ROK established relations in 1992, so no
# exchange is older; plans reach a few years ahead. Far outside them a time cannot even be
# shown on every clock (year 9999 in Changchun is year 10000 in Seoul).
FIRST_YEAR, LAST_YEAR = 1992, 2100

if TYPE_CHECKING:  # the models these relationships name (imported for type checkers only)
    from scheduler.auth.models import User
    from scheduler.contacts.models import Contact
    from scheduler.partners.models import Partner


class MeetingKind(enum.StrEnum):
    """What kind of exchange a meeting is; the value is what the database stores."""

    VIDEO_LINK = "video_link"
    INBOUND_VISIT = "inbound_visit"
    OUTBOUND_VISIT = "outbound_visit"
    INSPECTION = "inspection"
    SIGNING = "signing"
    FORUM = "forum"
    OTHER = "other"


class MeetingStatus(enum.StrEnum):
    """Where a meeting is in its lifecycle (scheduler/meetings/services.py moves it)."""

    DRAFT = "draft"
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class ParticipantRole(enum.StrEnum):
    """What a participant does in a meeting (an interpreter cannot be booked twice)."""

    HOST = "host"
    SPEAKER = "speaker"
    PARTICIPANT = "participant"
    INTERPRETER = "interpreter"
    TECHNICAL = "technical"
    OBSERVER = "observer"


KIND_LABELS = {
    MeetingKind.VIDEO_LINK: _l("Video link"),
    # NOTE: kind of visit: a Korean delegation comes to China
    MeetingKind.INBOUND_VISIT: _l("Inbound visit"),
    # NOTE: kind of visit: our delegation goes to Korea
    MeetingKind.OUTBOUND_VISIT: _l("Outbound visit"),
    MeetingKind.INSPECTION: _l("On-site inspection"),
    MeetingKind.SIGNING: _l("MOU or agreement signing"),
    MeetingKind.FORUM: _l("Forum or seminar"),
    MeetingKind.OTHER: _l("Other"),
}
STATUS_LABELS = {
    MeetingStatus.DRAFT: _l("Draft"),
    # NOTE: meeting status: the time is not final
    MeetingStatus.TENTATIVE: _l("Tentative"),
    MeetingStatus.CONFIRMED: _l("Confirmed"),
    MeetingStatus.HELD: _l("Held"),
    # NOTE: meeting status
    MeetingStatus.POSTPONED: _l("Postponed"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
ROLE_LABELS = {
    ParticipantRole.HOST: _l("Host"),
    # NOTE: role of a meeting participant who gives a talk
    ParticipantRole.SPEAKER: _l("Speaker"),
    ParticipantRole.PARTICIPANT: _l("Participant"),
    ParticipantRole.INTERPRETER: _l("Interpreter"),
    ParticipantRole.TECHNICAL: _l("Technical support"),
    ParticipantRole.OBSERVER: _l("Observer"),
}
HOST_SIDE_LABELS = {
    "": _l("Not decided"),
    CHINA.code: _l("Chinese side"),
    KOREA.code: _l("Korean side"),
}
# Plain values for the CHECK constraints (their SQL spells each value).
MEETING_KINDS = tuple(kind.value for kind in MeetingKind)
MEETING_STATUSES = tuple(status.value for status in MeetingStatus)
PARTICIPANT_ROLES = tuple(role.value for role in ParticipantRole)
RSVP_STATUSES = ("needs_action", "accepted", "tentative", "declined")


meeting_partners = partner_link_table("meeting_partners", "meetings", db.metadata)


# A room's Korean name is unique once given (rooms made before the admin pages may lack one).
_NAMED_KO = sa.text("name_ko <> ''")


class Room(TimestampMixin, db.Model):
    """An internal resource that cannot be booked twice at once (admins keep the list:
    scheduler/meetings/rooms). A deactivated room stays on the meetings that had it."""

    __tablename__ = "rooms"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.Index("ix_rooms_name_zh", "name_zh", unique=True),
        sa.Index(
            "ix_rooms_name_ko",
            "name_ko",
            unique=True,
            sqlite_where=_NAMED_KO,
            postgresql_where=_NAMED_KO,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    name_en: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    building: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    capacity: Mapped[int | None]  # seats; None when nobody counted them
    has_video: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    video_notes: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    def audit_label(self) -> str:
        return self.name_zh


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meetings"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("end_dt > start_dt", name="ends_after_start"),
        sa.CheckConstraint(one_of("kind", MEETING_KINDS), name="kind_known"),
        sa.CheckConstraint(one_of("status", MEETING_STATUSES), name="status_known"),
        sa.CheckConstraint(
            "host_side IS NULL OR " + one_of("host_side", HOST_SIDE_CODES), name="host_side"
        ),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        sa.Index("ix_meetings_start_end", "start_dt", "end_dt"),
        # An occurrence of a series is identified by its original start (RECURRENCE-ID); a
        # unique index (also the series_id lookup) so SQLite can add it without a rebuild.
        sa.Index("ix_meetings_series_occurrence", "series_id", "recurrence_start", unique=True),
        sa.CheckConstraint(
            "(series_id IS NULL) = (recurrence_start IS NULL)", name="series_occurrence_pair"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True, default=lambda: str(uuid.uuid4()))
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=MeetingStatus.DRAFT)
    title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    agenda_zh: Mapped[str] = mapped_column(sa.Text, default="")
    agenda_ko: Mapped[str] = mapped_column(sa.Text, default="")
    agenda_en: Mapped[str] = mapped_column(sa.Text, default="")
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(sa.String(64), default=OFFICE_ZONE)
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    location_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    location_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    platform: Mapped[str] = mapped_column(sa.String(60), default="")
    join_url: Mapped[str] = mapped_column(sa.String(500), default="")
    meeting_code: Mapped[str] = mapped_column(sa.String(60), default="")
    passcode: Mapped[str] = mapped_column(sa.String(60), default="")
    host_side: Mapped[str | None] = mapped_column(sa.String(2))
    tech_check_minutes: Mapped[int | None]
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id"), index=True)
    # An itinerary item of a visit; the meeting outlives its visit (SET NULL).
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    # An occurrence of a recurring series (scheduler/meetings/series/services.py): its
    # original start in UTC never changes when it moves; `is_exception` marks one edited alone.
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_series.id"))
    recurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_exception: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # An occurrence its series no longer generates (cut off or dropped by a rule change),
    # kept as history: subscribers only ever knew it under the series' UID, so a cancelled
    # one is not published on its own.
    detached_from_series: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Bumped on every change that matters to a calendar (RFC 5546 §2.1.4), in SQL
    # (`raise_sequence`), never read-modify-write.
    sequence: Mapped[int] = mapped_column(default=0)
    # The optimistic lock: every UPDATE of the row says WHERE version = the one read and sets
    # it one higher, so of two edits made from the same version one wins and the other gets
    # StaleDataError (a 409 page, `scheduler.meetings.versions`), never a silent overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # Minutes before the start, e.g. "1440,60" (parse_offsets); NULL = config
    # REMINDER_OFFSETS_MINUTES.
    reminder_offsets: Mapped[str | None] = mapped_column(sa.Text)

    __mapper_args__ = {"version_id_col": version}

    organizer: Mapped["User"] = relationship()
    room: Mapped[Room | None] = relationship()
    # The series (meetings.series) and the visit (visits) are built on meetings: named as
    # text, never imported, so neither import runs upward.
    series = relationship("MeetingSeries", back_populates="meetings")
    visit = relationship("Visit", back_populates="meetings")
    partners: Mapped[list["Partner"]] = relationship(secondary=meeting_partners)
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    def audit_label(self) -> str:
        return self.title_zh or self.title_ko or self.uid


class Participant(db.Model):
    """A staff user, a partner contact or an outside guest (by e-mail) in one meeting."""

    __tablename__ = "participants"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN guest_email IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_person",
        ),
        sa.CheckConstraint(one_of("role", PARTICIPANT_ROLES), name="role_known"),
        sa.CheckConstraint(one_of("rsvp_status", RSVP_STATUSES), name="rsvp_status_known"),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_participants_meeting_user"),
        sa.UniqueConstraint("meeting_id", "contact_id", name="uq_participants_meeting_contact"),
        sa.UniqueConstraint("meeting_id", "guest_email", name="uq_participants_meeting_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    guest_email: Mapped[str | None] = mapped_column(sa.String(254))
    guest_name: Mapped[str] = mapped_column(sa.String(100), default="")
    guest_language: Mapped[str] = mapped_column(sa.String(5), default="zh")
    role: Mapped[str] = mapped_column(sa.String(20), default=ParticipantRole.PARTICIPANT)
    # The answer to the invitation (scheduler/invites/rsvp/services.py) and the version it answered.
    rsvp_status: Mapped[str] = mapped_column(
        sa.String(20), default="needs_action", server_default="needs_action"
    )
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rsvp_sequence: Mapped[int | None]

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped["User | None"] = relationship()
    contact: Mapped["Contact | None"] = relationship()

    @property
    def answer_is_stale(self) -> bool:
        """An answer given to an earlier version of the meeting (before it moved, say): it
        needs re-confirmation and counts for nothing about the meeting as it is now."""
        return (
            self.rsvp_status != "needs_action"
            and self.rsvp_sequence is not None
            and self.rsvp_sequence < self.meeting.sequence
        )


def raise_sequence(target) -> None:
    """Let *target*'s (a meeting's or a series') SEQUENCE rise by one in the UPDATE itself
    (``sequence = sequence + 1``): the database computes it from the row as committed, so no
    change is lost to a stale copy read earlier. The attribute is re-read after the flush."""
    if sa.inspect(target).persistent:
        target.sequence = type(target).sequence + 1
    else:  # not in the database yet: nothing to lose
        target.sequence = (target.sequence or 0) + 1


def parse_offsets(text: str) -> tuple[int, ...]:
    """``"1440,60"`` → (1440, 60): distinct whole minutes, largest first. ValueError if bad."""
    offsets = set()
    for part in (text or "").split(","):
        if part.strip():
            minutes = int(part.strip())
            if not 0 < minutes <= MAX_OFFSET_MINUTES:
                raise ValueError(f"reminder offset out of range: {minutes}")
            offsets.add(minutes)
    return tuple(sorted(offsets, reverse=True))
