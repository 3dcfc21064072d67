"""`flask --app scheduler ...` commands that are not tied to one domain."""

import subprocess  # noqa: S404 - runs pybabel with fixed arguments
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from scheduler.api.tokens.cli import tokens
from scheduler.api.webhooks.cli import webhooks
from scheduler.auth.cli import users
from scheduler.auth.models import User
from scheduler.auth.services import create_user, generate_password
from scheduler.availability.cli import holidays_group
from scheduler.backup.cli import backup_cli
from scheduler.contacts.cli import contacts
from scheduler.demo import seed_demo
from scheduler.extensions import db
from scheduler.feeds.cli import feeds
from scheduler.history.cli import history_cli
from scheduler.invites.outbox.cli import outbox
from scheduler.invites.replies.cli import replies
from scheduler.jobs import scheduler_cli, serve_command
from scheduler.meetings.rooms.cli import rooms
from scheduler.partners.services import seed_partners
from scheduler.polls.cli import polls_cli
from scheduler.privacy import cli as privacy_cli  # noqa: F401 - adds its commands to `contacts`
from scheduler.security import write_private_file
from scheduler.sides import CATALOG_LANGUAGES, LANGUAGES  # English: the msgid language
from scheduler.slots.cli import slots_command
from scheduler.transaction import commits

ROOT = Path(__file__).resolve().parent.parent
translate = AppGroup("translate", help="Extract, update and compile the zh/ko catalogs.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


@translate.command("update")
def translate_update():
    """Extract msgids from code and templates and merge them into the catalogs."""
    pot = "translations/messages.pot"
    # Locations (#:) and NOTE: comments (#.) stay in the catalogs: translators see where a short
    # msgid is used, which is how one msgid serving two meanings gets noticed.
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "_lp:1c,2",
        "-k",
        "lazy_pgettext:1c,2",
        "--add-comments=NOTE:",
        "--sort-output",
        "-o",
        pot,
        ".",
    )
    for lang in CATALOG_LANGUAGES:
        if not (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").exists():
            _pybabel("init", "-i", pot, "-d", "translations", "-l", lang)
    _pybabel("update", "-i", pot, "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete")
    Path(ROOT / pot).unlink()


@translate.command("compile")
def translate_compile():
    """Compile the .po catalogs into the .mo files Flask-Babel reads."""
    _pybabel("compile", "-d", "translations", "--statistics")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add demo contacts, meetings and a visit.")
@with_appcontext
@commits
def seed_command(demo: bool):
    """Add or refresh the partner directory (never overwrites staff edits)."""
    added, updated = seed_partners()
    click.echo(f"partners: {added} added, {updated} updated")
    if demo:
        click.echo(f"demo contacts: {seed_demo()} added")


FIRST_RUN_CREDENTIALS_FILE = "first-run-admin-password.txt"  # under the instance folder


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


# The first administrator's display name when none is given: partners may see it as the
# sender of a mail ("系统管理员（…外事办公室）"), so never a bare role word.
ADMIN_DEFAULT_NAMES = {"zh": "系统管理员", "ko": "시스템 관리자", "en": "System administrator"}


def _admin_names(name: str | None, language: str) -> dict:
    """name_zh / name_ko of the first administrator: *name* in the field of *language* (the
    Chinese one for English), the defaults of each language otherwise."""
    name = " ".join((name or "").split())
    if not name or name == ADMIN_DEFAULT_NAMES[language]:  # the default, also when prompted
        if language == "en":
            return {"name_zh": ADMIN_DEFAULT_NAMES["en"], "name_ko": ADMIN_DEFAULT_NAMES["en"]}
        return {"name_zh": ADMIN_DEFAULT_NAMES["zh"], "name_ko": ADMIN_DEFAULT_NAMES["ko"]}
    return {"name_ko": name} if language == "ko" else {"name_zh": name}


@click.command("first-run")
@click.option(
    "--name", default=None, help="The administrator's display name (asked on a terminal)."
)
@click.option(
    "--language",
    type=click.Choice(list(LANGUAGES)),
    default="zh",
    show_default=True,
    help="The administrator's language, and that of the default name.",
)
@with_appcontext
@commits
def first_run_command(name: str | None, language: str):
    """On an empty database: demo data and an admin whose password is shown once: printed to a
    terminal, else (a log, a pipe) written to a file only its owner can read."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("Existing accounts kept; nothing to do.")
        return
    if name is None and _stdin_is_terminal():
        name = click.prompt("Display name", default=ADMIN_DEFAULT_NAMES[language])
    seed_demo()
    password = generate_password()
    names = _admin_names(name, language)
    user = create_user("admin@example.org", password, "admin", locale=language, **names)
    click.echo(f"Administrator created.\n  e-mail:   {user.email}")
    if _stdout_is_terminal():
        click.echo(f"  password: {password}")
        return
    path = Path(current_app.instance_path) / FIRST_RUN_CREDENTIALS_FILE
    write_private_file(path, f"{user.email}\n{password}\n")
    click.echo(f"  password: in {path} (readable only by its owner; delete it after signing in)")


def register_cli(app: Flask) -> None:
    """Add every command group to the `flask` command."""
    commands = (
        translate,
        seed_command,
        first_run_command,
        users,
        rooms,
        contacts,
        holidays_group,
        slots_command,
        polls_cli,
        outbox,
        replies,
        scheduler_cli,
        serve_command,
        feeds,
        tokens,
        webhooks,
        history_cli,
        backup_cli,
    )
    for command in commands:
        app.cli.add_command(command)
