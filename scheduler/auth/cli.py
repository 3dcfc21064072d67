"""`flask --app scheduler users ...`"""

import sys

import click
from flask.cli import AppGroup

from scheduler.audit.services import set_actor
from scheduler.auth.models import ROLES
from scheduler.auth.services import (
    MIN_PASSWORD,
    create_user,
    find_user,
    generate_password,
    revoke_sessions,
)
from scheduler.extensions import db
from scheduler.people import normalize_email
from scheduler.sides import LANGUAGES, OFFICE_ZONE
from scheduler.timefmt import normalize_timezone
from scheduler.transaction import commits

users = AppGroup("users", help="Manage staff accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name-zh", default="")
@click.option("--name-ko", default="")
@click.option("--timezone", "timezone", default=OFFICE_ZONE, show_default=True)
@click.option("--locale", type=click.Choice(LANGUAGES), default=None)
@commits
def create_command(email, role, name_zh, name_ko, timezone, locale):
    """Create a user. The password is read from stdin when piped, else generated and printed."""
    try:
        email = normalize_email(email)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if not email:
        raise click.BadParameter("an e-mail address is required", param_hint="EMAIL")
    zone = normalize_timezone(timezone)
    if zone is None:
        raise click.BadParameter(f"unknown time zone {timezone!r}", param_hint="--timezone")
    if find_user(email):
        raise click.ClickException(f"a user with the e-mail {email} already exists")
    generated, password = _new_password()
    set_actor(db.session, None)
    create_user(
        email, password, role, name_zh=name_zh, name_ko=name_ko, timezone=zone, locale=locale
    )
    click.echo(f"created {role} {email}")
    if generated:
        click.echo(f"password: {password}")


def _new_password() -> tuple[bool, str]:
    """Whether the password was generated (stdin is a terminal), and the password: else the
    first line piped to stdin, refused when too short."""
    generated = sys.stdin.isatty()
    password = generate_password() if generated else sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must be at least {MIN_PASSWORD} characters long")
    return generated, password


@users.command("reset-password")
@click.argument("email")
@commits
def reset_password_command(email):
    """Set a new password and sign the user out everywhere. The password is read from stdin
    when piped, else generated and printed."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user has the e-mail {email.strip()}")
    generated, password = _new_password()
    set_actor(db.session, None)
    user.set_password(password)
    revoke_sessions(user)
    click.echo(f"password of {user.email} changed; every session of theirs is signed out")
    if generated:
        click.echo(f"password: {password}")
