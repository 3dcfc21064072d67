"""`flask --app scheduler feeds create|revoke`: feeds from the command line."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from scheduler.auth.models import User
from scheduler.contacts.services import find_by_email
from scheduler.extensions import db
from scheduler.feeds import services
from scheduler.feeds.tokens import find_active_feed, token_from_text
from scheduler.partners.services import get_partner
from scheduler.people import normalize_email
from scheduler.sides import LANGUAGES
from scheduler.transaction import commits

feeds = AppGroup("feeds", help="Create and revoke calendar subscription links.")


def _owner(partner, contact, user, office):
    """(scope, owner) from the one option given; click.UsageError otherwise."""
    given = (("partner", partner), ("contact", contact), ("user", user), ("office", office))
    chosen = [name for name, value in given if value]
    if len(chosen) != 1:
        raise click.UsageError("Give exactly one of --partner, --contact, --user, --office.")
    if partner:
        return "partner", get_partner(partner) or _missing(f"No partner with slug {partner!r}.")
    if contact:
        found = find_by_email(normalize_email(contact) or "")
        return "contact", found or _missing(f"No contact with e-mail {contact!r}.")
    if user:
        query = sa.select(User).where(sa.func.lower(User.email) == user.strip().lower())
        return "user", db.session.scalar(query) or _missing(f"No user with e-mail {user!r}.")
    return "office", None


def _missing(message: str):
    raise click.ClickException(message)


@feeds.command("create")
@click.option("--partner", metavar="SLUG", help="Every meeting with this partner.")
@click.option("--contact", metavar="EMAIL", help="The meetings this contact takes part in.")
@click.option("--user", metavar="EMAIL", help="This staff member's own meetings.")
@click.option("--office", is_flag=True, help="Every meeting of the office.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Default: ko, or the user's.")
@commits
def create_command(partner, contact, user, office, lang):
    """Make a feed and print its https URL (shown only this once)."""
    scope, owner = _owner(partner, contact, user, office)
    language = lang or services.default_language(scope, owner)
    _feed, token = services.create_feed(scope, owner, None, language)
    click.echo(services.feed_url(token))


@feeds.command("revoke")
@click.argument("url_or_token")
@commits
def revoke_command(url_or_token):
    """Switch off the feed behind URL_OR_TOKEN at once."""
    feed = find_active_feed(token_from_text(url_or_token))
    if feed is None:
        raise click.ClickException("No active feed has this link.")
    services.revoke_feed(feed)
    click.echo(f"Revoked feed {feed.id} ({feed.scope}).")
