"""Login and logout."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from scheduler.auth import services
from scheduler.auth.forms import LoginForm
from scheduler.auth.throttle import LoginThrottle, window_minutes
from scheduler.security import any_role_may_post, public, safe_next
from scheduler.transaction import keep_changes

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    throttle = LoginThrottle(form.email.data, request.remote_addr or "unknown")
    if throttle.refused():
        message = _(
            "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
            minutes=window_minutes(),
        )
        return render_template("auth/login.html", form=form, error=message), 429
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.failed()
        keep_changes()  # the failure counts toward the limits although the answer is 401
        error = _("The e-mail or password is not correct.")
        return render_template("auth/login.html", form=form, error=error), 401
    throttle.succeeded()
    login_user(user, remember=form.remember.data)
    services.note_login(user)
    return redirect(safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
@any_role_may_post
def logout():
    """Sign out everywhere: this browser and every other session or remember-me cookie."""
    services.revoke_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You have signed out on every computer and phone."), "info")
    return redirect(url_for("auth.login"))
