"""The "replies to review" page (coordinators and admins) and the decisions taken on it and on
the meeting page: apply a refused answer to a participant by hand, dismiss it, accept or
decline a proposed new time. Viewers get 403; a bad choice gets a translated error."""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired

from scheduler.auth.models import EDITOR_ROLES
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.i18n import viewer_zone
from scheduler.invites.replies.counter import accept_counter, decline_counter
from scheduler.invites.replies.models import REFUSALS, STATUS_LABELS, InboundReply
from scheduler.invites.replies.parse import ANSWERS
from scheduler.invites.replies.review import apply_by_hand, dismiss, may_apply
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.services import participant_label
from scheduler.security import roles_required
from scheduler.sides import other_side_zone
from scheduler.timefmt import dual_clock, format_when
from scheduler.transaction import save

bp = Blueprint("replies", __name__, url_prefix="/replies")
PER_PAGE = 50
WAITING = ("review", "proposed")
bp.add_app_template_global(participant_label, "participant_label")


class ParticipantChoice(FlaskForm):
    """Whose answer a refused reply becomes (a participant of any meeting)."""

    participant = IntegerField(validators=[InputRequired()])


@bp.app_template_global()
def proposal_time(row: InboundReply) -> str:
    """The proposed time on the viewer's clock and on the other side's."""
    own = viewer_zone()
    return dual_clock(row.proposed_start, own, other_side_zone(own), end=row.proposed_end)


@bp.app_template_global()
def meeting_proposals(meeting) -> list[InboundReply]:
    """The new times proposed for *meeting* that wait for a decision."""
    query = sa.select(InboundReply).where(
        InboundReply.meeting_id == meeting.id, InboundReply.status == "proposed"
    )
    return list(db.session.scalars(query.order_by(InboundReply.id)))


def _looked_up() -> tuple[int | None, Meeting | None]:
    """The reply and meeting named by ``?reply=…&meeting=…`` (staff looking up whose answer
    an unmatched reply is)."""
    reply_id = request.args.get("reply", type=int)
    meeting_id = request.args.get("meeting", type=int)
    return reply_id, db.session.get(Meeting, meeting_id) if meeting_id else None


def _page(http_status: int = 200):
    query = sa.select(InboundReply).where(InboundReply.status.in_(WAITING))
    page = db.paginate(
        query.order_by(InboundReply.received_at.desc(), InboundReply.id.desc()),
        per_page=PER_PAGE,
        error_out=False,
    )
    reply_id, looked_up = _looked_up()
    return render_template(
        "invites/replies/review.html",
        page=page,
        REFUSALS=REFUSALS,
        STATUS_LABELS=STATUS_LABELS,
        ANSWERS=ANSWERS,
        may_apply=may_apply,
        looked_up=looked_up,
        looked_up_for=reply_id,
        when=lambda moment: format_when(moment, current_user.timezone),
        zone=current_user.timezone,
    ), http_status


@bp.route("/")
@roles_required(*EDITOR_ROLES)
def review():
    """Refused replies and proposed new times waiting for a decision, newest first."""
    return _page()


def _decide(reply_id: int, change, message: str):
    row = db.get_or_404(InboundReply, reply_id)
    back = request.form.get("back", "")
    return save(
        lambda: change(row),
        lambda _result: redirect(_back(back, row)),
        lambda error: _page()[0],
        message,
    )


def _back(back: str, row: InboundReply) -> str:
    if back == "meeting" and row.meeting_id:
        return url_for("meetings.show_meeting", meeting_id=row.meeting_id, _anchor="proposals")
    return url_for("replies.review")


@bp.route("/<int:reply_id>/dismiss", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def dismiss_reply(reply_id: int):
    """Put a refused reply aside; nothing else changes."""
    return _decide(reply_id, dismiss, _("The reply has been dismissed."))


@bp.route("/<int:reply_id>/apply", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def apply_reply(reply_id: int):
    """Record the reply's answer for the participant staff chose."""
    form = ParticipantChoice()
    participant = db.session.get(Participant, form.participant.data) if form.validate() else None

    def change(row):
        if participant is None:
            raise UserError(_("Please choose a participant."))
        return apply_by_hand(row, participant)

    return _decide(reply_id, change, _("The answer has been recorded."))


@bp.route("/<int:reply_id>/accept", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def accept_proposal(reply_id: int):
    """Move the meeting to the proposed time (everyone gets the update)."""
    message = _("The meeting has been moved to the proposed time.")
    return _decide(reply_id, accept_counter, message)


@bp.route("/<int:reply_id>/decline", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def decline_proposal(reply_id: int):
    """Keep the meeting as it is and tell the proposer."""
    message = _("The proposal has been declined; the proposer will be told.")
    return _decide(reply_id, decline_counter, message)
