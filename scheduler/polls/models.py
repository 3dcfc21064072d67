"""A time poll on a draft meeting: its candidate times, the people asked and their answers.

Every instant is UTC (`UTCDateTime`); the meeting's zone reads and shows them. The status and
answer values are plain strings in the database (CHECK constraints), their labels sit here.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import TimestampMixin, UTCDateTime, one_of
from scheduler.extensions import db
from scheduler.meetings.models import Meeting, Participant

MIN_CANDIDATES = 2
MAX_CANDIDATES = 8
MAX_TEXT = 2000  # a comment or a proposal


class PollStatus(enum.StrEnum):
    """Where a poll is: answered while open; closed with a chosen time, or withdrawn."""

    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class PollChoice(enum.StrEnum):
    """One person's answer about one candidate time."""

    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


STATUS_LABELS = {
    # NOTE: status of a time poll: people can still answer
    PollStatus.OPEN: lazy_pgettext("poll status", "Open for answers"),
    # NOTE: status of a time poll: a time was chosen
    PollStatus.CLOSED: lazy_pgettext("poll status", "Time chosen"),
    # NOTE: status of a time poll: staff called it off without choosing a time
    PollStatus.WITHDRAWN: lazy_pgettext("poll status", "Withdrawn"),
}
CHOICE_LABELS = {
    # NOTE: answer in a time poll: this time suits me (zh 可以, ko 가능)
    PollChoice.YES: lazy_pgettext("poll answer", "Yes"),
    # NOTE: answer in a time poll: I can make this time work (zh 可调整, ko 조정 가능)
    PollChoice.IF_NEED_BE: lazy_pgettext("poll answer", "If need be"),
    # NOTE: answer in a time poll: this time does not work (zh 不行, ko 불가)
    PollChoice.NO: lazy_pgettext("poll answer", "No"),
}
POLL_STATUSES = tuple(s.value for s in PollStatus)
POLL_CHOICES = tuple(c.value for c in PollChoice)

_OPEN = sa.text("status = 'open'")


class Poll(TimestampMixin, db.Model):
    """Candidate times proposed for one draft meeting; at most one open poll per meeting."""

    __tablename__ = "polls"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("status", POLL_STATUSES), name="status_known"),
        sa.CheckConstraint(
            "(status = 'closed') = (chosen_candidate_id IS NOT NULL)", name="chosen_when_closed"
        ),
        sa.Index(
            "ix_polls_one_open_per_meeting",
            "meeting_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=PollStatus.OPEN)
    # The end of the closing day on the meeting's clock: answers are taken until then.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # No FK in the database: the candidates point back at the poll (a cycle SQLite would need
    # deferred constraints for); the service sets it to one of this poll's candidates.
    chosen_candidate_id: Mapped[int | None]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the creator (and organizer) were told the closing date passed: they are told once.
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    created_by = relationship("User")
    candidates: Mapped[list["PollCandidate"]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollCandidate.start_dt"
    )
    invitees: Mapped[list["PollInvitee"]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollInvitee.id"
    )

    @property
    def chosen(self) -> "PollCandidate | None":
        """The candidate the meeting took, once the poll is closed."""
        return next((c for c in self.candidates if c.id == self.chosen_candidate_id), None)

    def audit_label(self) -> str:
        return f"{self.meeting.audit_label()} #{self.id}"


class PollCandidate(db.Model):
    """One proposed time."""

    __tablename__ = "poll_candidates"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("end_dt > start_dt", name="ends_after_start"),
        sa.UniqueConstraint("poll_id", "start_dt", name="uq_poll_candidates_poll_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"))
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    # The slot finder's score when the time was one of its suggestions (lower is better);
    # it breaks ties in the ranking. None for a time typed by hand.
    finder_score: Mapped[int | None]

    poll: Mapped[Poll] = relationship(back_populates="candidates")

    def audit_label(self) -> str:
        return self.start_dt.isoformat()


class PollInvitee(db.Model):
    """A participant of the meeting asked in the poll, with their comment, or "none of these
    work" and what they propose instead. ``answered_at`` is None until they answer."""

    __tablename__ = "poll_invitees"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("poll_id", "participant_id", name="uq_poll_invitees_poll_participant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    none_work: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    proposal: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last reminder to answer (by hand or automatic); the automatic one goes only once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    poll: Mapped[Poll] = relationship(back_populates="invitees")
    participant: Mapped[Participant] = relationship()
    answers: Mapped[list["PollAnswer"]] = relationship(
        back_populates="invitee", cascade="all, delete-orphan"
    )

    def choice_for(self, candidate: PollCandidate) -> str | None:
        """This person's answer about *candidate* (None: not answered)."""
        return next((a.choice for a in self.answers if a.candidate_id == candidate.id), None)

    def audit_label(self) -> str:
        return f"poll {self.poll_id} participant {self.participant_id}"


class PollAnswer(db.Model):
    """One person's answer about one candidate (the person's latest answer replaces it)."""

    __tablename__ = "poll_answers"
    __table_args__ = (
        sa.CheckConstraint(one_of("choice", POLL_CHOICES), name="choice_known"),
        sa.UniqueConstraint("invitee_id", "candidate_id", name="uq_poll_answers_invitee_candidate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(sa.ForeignKey("poll_invitees.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("poll_candidates.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[str] = mapped_column(sa.String(20))

    invitee: Mapped[PollInvitee] = relationship(back_populates="answers")
    candidate: Mapped[PollCandidate] = relationship()
