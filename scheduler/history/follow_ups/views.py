"""Follow-up pages: add on the meeting page, edit, mark done or dropped, and the list.

Coordinators and admins change any action; the owner may also mark their own one done,
dropped or open again. Everyone signed in may read them.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db, paginate
from scheduler.history.follow_ups import services
from scheduler.history.follow_ups.forms import (
    STATUS_NAMES,
    FollowUpEditForm,
    FollowUpForm,
    FollowUpStatusForm,
)
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.follow_ups.services import FollowUpError
from scheduler.i18n import user_name, viewer_zone
from scheduler.meetings.models import Meeting
from scheduler.partners.services import lineage
from scheduler.security import any_role_may_post, roles_required, safe_next
from scheduler.timefmt import format_when, today_in

bp = Blueprint("follow_ups", __name__)
PER_PAGE = 50
bp.add_app_template_global(services.meeting_day, "meeting_day")
bp.add_app_template_global(STATUS_NAMES, "FOLLOW_UP_STATUS_NAMES")


@bp.app_template_global()
def when_for_viewer(moment) -> str:
    """*moment* on the viewer's clock, with the zone's city."""
    return format_when(moment, viewer_zone())


def _with_owners(form: FollowUpForm, current=None) -> FollowUpForm:
    """Offer the active staff; an owner who has left stays shown (and is refused on saving),
    so the form never silently hands the action to someone else."""
    owners = services.active_owners()
    if current is not None and current not in owners:
        owners = [current, *owners]
    return form.set_owner_choices(owners, _owner_label)


def _owner_label(user) -> str:
    """The name with the e-mail, which tells apart two people of the same name."""
    name = user_name(user)
    return name if name == user.email else f"{name} ({user.email})"


@bp.app_template_global()
def new_follow_up_form() -> FollowUpForm:
    """An empty form for the meeting page, offering the signed-in user as the owner."""
    form = _with_owners(FollowUpForm(formdata=None))
    form.owner_id.data = current_user.id
    return form


@bp.app_template_global()
def meeting_follow_ups(meeting: Meeting):
    """The meeting's actions for its page."""
    return services.follow_ups_of(meeting)


@bp.app_template_global()
def partner_overdue_follow_ups(partner):
    """Overdue actions from the meetings of *partner* and its predecessors."""
    ids = [p.id for p in lineage(partner)]
    return services.overdue_for_partners(ids, today_in(viewer_zone()))


@bp.app_template_global()
def follow_up_is_overdue(follow_up: FollowUp) -> bool:
    """Open and due before today on the viewer's clock."""
    today = today_in(viewer_zone())
    return follow_up.status == "open" and follow_up.due_date < today


def _form_data(form: FollowUpForm) -> dict:
    data = {name: form[name].data for name in services.EDITABLE_FIELDS}
    if "status" in form:
        data["status"] = form.status.data
    return data


def _show_form(form, meeting, follow_up=None, status=400):
    return render_template(
        "history/follow_ups/edit.html", form=form, meeting=meeting, follow_up=follow_up
    ), status


def _save(form, meeting, follow_up=None):
    """Validate and save (the request commits); the form again with its errors (400) when
    anything is bad."""
    if not form.validate_on_submit():
        return _show_form(form, meeting, follow_up)
    try:
        if follow_up is None:
            follow_up = services.create_follow_up(meeting, _form_data(form))
        else:
            services.update_follow_up(follow_up, _form_data(form))
    except FollowUpError as error:
        # Undo the half-made change before the page reads the meeting again.
        db.session.rollback()
        form[error.field or "title"].errors.append(error.message)
        return _show_form(form, db.session.get(Meeting, meeting.id), follow_up)
    flash(_("The follow-up action has been saved."), "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id, _anchor="follow-ups"))


@bp.route("/meetings/<int:meeting_id>/follow-ups", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def add_follow_up(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    return _save(_with_owners(FollowUpForm()), meeting)


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
def edit_follow_up(follow_up_id: int):
    """The action's page: everyone reads it, coordinators and admins edit it."""
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    if request.method == "POST" and not current_user.can_edit():
        abort(403)
    form = _with_owners(FollowUpEditForm(obj=follow_up), current=follow_up.owner)
    if request.method == "POST":
        return _save(form, follow_up.meeting, follow_up)
    return _show_form(form, follow_up.meeting, follow_up, 200)


@bp.route("/follow-ups/<int:follow_up_id>/status", methods=["POST"])
@any_role_may_post
def change_status(follow_up_id: int):
    """Mark done, dropped or open again: coordinators, admins and the action's owner."""
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    if not (current_user.can_edit() or current_user.id == follow_up.owner_id):
        abort(403)
    form = FollowUpStatusForm()
    meeting_page = url_for(
        "meetings.show_meeting", meeting_id=follow_up.meeting_id, _anchor="follow-ups"
    )
    back = safe_next(request.form.get("next") or meeting_page)
    if not form.validate_on_submit():
        flash(_("Choose one of the values offered."), "error")
        return redirect(back), 303
    services.set_status(follow_up, form.status.data)
    status = STATUS_NAMES[form.status.data]
    flash(_("The follow-up action is now: %(status)s.", status=status), "success")
    return redirect(back)


def _list_filters() -> dict:
    who = request.args.get("who", "mine")
    status = request.args.get("status", "")
    return {
        "who": who if who in ("mine", "all") else "mine",
        "overdue": request.args.get("overdue") == "1",
        "status": status if status in STATUS_NAMES else "",
    }


@bp.route("/follow-ups/")
def list_follow_ups():
    """Mine or everyone's, optionally only overdue ones or one status; 50 a page."""
    filters = _list_filters()
    today = today_in(viewer_zone())
    query = services.listing(
        owner_id=current_user.id if filters["who"] == "mine" else None,
        overdue_before=today if filters["overdue"] else None,
        status=filters["status"] or None,
    )
    page = paginate(query, per_page=PER_PAGE)
    return render_template("history/follow_ups/list.html", page=page, filters=filters, today=today)
