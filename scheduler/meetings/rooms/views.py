"""The rooms pages (administrators only): list, add, edit, deactivate and reactivate."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from scheduler.extensions import db
from scheduler.meetings.models import Room
from scheduler.meetings.rooms import services
from scheduler.meetings.rooms.forms import RoomForm
from scheduler.security import roles_required
from scheduler.transaction import save

bp = Blueprint("rooms", __name__, url_prefix="/admin/rooms")


@bp.route("")
@roles_required("admin")
def list_rooms():
    return render_template("meetings/rooms/list.html", rooms=services.list_rooms())


def _form_page(form: RoomForm, room: Room | None):
    return render_template("meetings/rooms/form.html", form=form, room=room)


def _saved(room: Room):
    flash(_("The room %(name)s has been saved.", name=services.room_name(room)), "success")
    return redirect(url_for("rooms.list_rooms"))


def _submit(form: RoomForm, room: Room | None):
    def change() -> Room:
        if room is None:
            return services.add_room(form.room_data())
        services.update_room(room, form.room_data())
        return room

    def again(error: services.RoomError):
        if error.field in form:
            form[error.field].errors.append(error.message)
        return _form_page(form, room)

    return save(change, _saved, again)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("admin")
def new_room():
    form = RoomForm()
    if form.validate_on_submit():
        return _submit(form, None)
    return _form_page(form, None), 400 if form.errors else 200


@bp.route("/<int:room_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_room(room_id):
    room = db.get_or_404(Room, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        return _submit(form, room)
    return _form_page(form, room), 400 if form.errors else 200


@bp.route("/<int:room_id>/active", methods=["POST"])
@roles_required("admin")
def set_active(room_id):
    room = db.get_or_404(Room, room_id)
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form["active"] == "1"
    services.set_room_active(room, active)
    name = services.room_name(room)
    if active:
        flash(_("The room %(name)s is offered for new meetings again.", name=name), "success")
    else:
        flash(_("The room %(name)s is no longer offered for new meetings.", name=name), "success")
    return redirect(url_for("rooms.list_rooms"))
