"""`flask --app scheduler contacts export-personal-data|erase EMAIL`: the pages' services.

Both commands join the `contacts` group; the audit log names no staff user for them (as for
an import from the command line) unless `--by` names one.
"""

import json

import click
from flask_babel import force_locale

from scheduler.audit.services import record, set_actor
from scheduler.auth.services import find_user
from scheduler.contacts.cli import contacts
from scheduler.contacts.services import find_by_email
from scheduler.extensions import db
from scheduler.privacy import erasure, report
from scheduler.transaction import commits


def _contact(email: str):
    found = find_by_email(email.strip())
    if found is None:
        raise click.ClickException(f"No contact with e-mail {email!r}.")
    return found


def _actor(by: str | None) -> None:
    user = find_user(by) if by else None
    if by and user is None:
        raise click.BadParameter(f"no staff user with e-mail {by!r}", param_hint="--by")
    set_actor(db.session, user.id if user else None)


by_option = click.option("--by", default=None, help="The staff user's e-mail, for the audit log.")


@contacts.command("export-personal-data")
@click.argument("email")
@by_option
@commits
def export_personal_data_command(email: str, by: str | None):
    """Print everything held about the contact with this EMAIL, as JSON (audited)."""
    _actor(by)
    contact = _contact(email)
    data = report.personal_data(contact)
    record(db.session, "personal_data", contact, {"format": "json"})
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


@contacts.command("erase")
@click.argument("email")
@click.option("--reason", required=True, help="Why (recorded in the audit log).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@by_option
@commits
def erase_command(email: str, reason: str, yes: bool, by: str | None):
    """Erase the personal data of the contact with this EMAIL (cannot be undone)."""
    _actor(by)
    contact = _contact(email)
    if not yes:
        click.confirm(f"Erase contact #{contact.id} for good?", abort=True)
    try:
        erasure.erase_contact(contact, reason)
    except erasure.ErasureError as error:
        with force_locale("en"):
            raise click.ClickException(str(error)) from error
    click.echo(f"Erased contact #{contact.id}.")
