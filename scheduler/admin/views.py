"""Staff accounts (administrators only) and every user's own profile page."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.admin import services
from scheduler.admin.forms import WORKING_HOURS_HELP, NewUserForm, PasswordResetForm, UserForm
from scheduler.auth.forms import ProfileForm
from scheduler.auth.models import User
from scheduler.auth.services import renew_own_session, revoke_sessions
from scheduler.extensions import db, paginate
from scheduler.security import any_role_may_post, roles_required
from scheduler.timefmt import format_when

# No url_prefix: the profile page lives at /profile, the account pages under /admin.
bp = Blueprint("admin", __name__)


@bp.context_processor
def _form_help():
    return {"working_hours_help": WORKING_HOURS_HELP}


def _acting_user() -> User:
    return current_user._get_current_object()


def _show_password_once(user: User, password: str, created: bool):
    """The page that shows a password exactly once; never cached, never in a cookie."""
    html = render_template("admin/password.html", user=user, password=password, created=created)
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/users")
@roles_required("admin")
def list_users():
    page = paginate(services.list_users(), per_page=50)
    return render_template("admin/users.html", page=page, format_when=format_when)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = NewUserForm()
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form), 400 if form.errors else 200
    user, generated = services.add_user(form.account_data(), form.password.data)
    if generated:
        return _show_password_once(user, generated, created=True)
    flash(_("The user %(email)s has been added.", email=user.email), "success")
    return redirect(url_for("admin.list_users"))


def _edit_page(user: User, form=None, reset_form=None, error=None, status=200):
    return render_template(
        "admin/user_form.html",
        user=user,
        form=form or UserForm(obj=user, user_id=user.id, formdata=None),
        reset_form=reset_form or PasswordResetForm(formdata=None),
        error=error,
        format_when=format_when,
    ), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, user_id=user.id)
    if not form.validate_on_submit():
        return _edit_page(user, form, status=400 if form.errors else 200)
    try:
        services.update_user(user, form.account_data(), _acting_user())
    except services.AccountRuleError as problem:
        db.session.rollback()
        form[problem.field].errors.append(problem.message)
        return _edit_page(db.session.get(User, user_id), form, status=400)
    flash(_("The user %(email)s has been saved.", email=user.email), "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def set_active(user_id):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        services.set_user_active(user, active, _acting_user())
    except services.AccountRuleError as problem:
        db.session.rollback()
        return _edit_page(db.session.get(User, user_id), error=problem.message, status=400)
    if active:
        flash(_("The user %(email)s can sign in again.", email=user.email), "success")
    else:
        flash(_("The user %(email)s has been deactivated.", email=user.email), "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@roles_required("admin")
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    reset_form = PasswordResetForm()
    if not reset_form.validate_on_submit():
        return _edit_page(user, reset_form=reset_form, status=400)
    password = services.reset_password(user, reset_form.new_password.data)
    if user.id == current_user.id:  # an admin resetting their own: keep this session
        renew_own_session(user)
    if reset_form.new_password.data:
        flash(_("The password of %(email)s has been changed.", email=user.email), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _show_password_once(user, password, created=False)


def _save_profile(user: User, form: ProfileForm) -> None:
    user.locale = form.locale.data
    user.timezone = form.timezone.data
    user.working_hours = services.hours_or_default(form.working_hours.data, user.timezone)
    if form.new_password.data:  # sign out the other sessions, keep this one
        user.set_password(form.new_password.data)
        revoke_sessions(user)
        renew_own_session(user)
    db.session.flush()


@bp.route("/profile", methods=["GET", "POST"])
@any_role_may_post
def profile():
    user = _acting_user()
    form = ProfileForm(obj=user, user=user)
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("admin/profile.html", form=form, user=user), status
    _save_profile(user, form)
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("admin.profile"))
