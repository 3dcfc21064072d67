"""`flask --app scheduler tokens create|list|revoke`: personal API tokens from the command
line (plain text for people; `--json` where a script reads the list)."""

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from scheduler.api.representations import utc_text
from scheduler.api.tokens import services
from scheduler.api.tokens.models import TOKEN_SCOPES, ApiToken
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.transaction import commits

tokens = AppGroup("tokens", help="Create, list and revoke personal API tokens.")


def _user(email: str) -> User:
    query = sa.select(User).where(sa.func.lower(User.email) == email.strip().lower())
    user = db.session.scalar(query)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email!r}.")
    return user


@tokens.command("create")
@click.argument("email")
@click.option("--scope", type=click.Choice(TOKEN_SCOPES), required=True)
@click.option("--expires", "days", type=int, help="Valid for this many days (default: no end).")
@click.option("--name", default="command line", show_default=True)
@commits
def create_command(email, scope, days, name):
    """Make a token for the user with EMAIL and print it (shown only this once)."""
    try:
        _token, secret = services.create_token(_user(email), name, scope, days)
    except services.TokenError as error:
        with force_locale("en"):  # output is English, like the other commands
            raise click.ClickException(str(error)) from None
    click.echo(secret)


def _row(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "scope": token.scope,
        "prefix": token.prefix,
        "status": services.token_status(token),
        "created_at": utc_text(token.created_at),
        "last_used_at": utc_text(token.last_used_at),
        "expires_at": utc_text(token.expires_at),
    }


@tokens.command("list")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of lines.")
def list_command(email, as_json):
    """List the tokens of the user with EMAIL (never their secrets)."""
    rows = [_row(token) for token in services.tokens_of(_user(email).id)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        used = row["last_used_at"] or "never used"
        expires = row["expires_at"] or "no end"
        click.echo(
            f"{row['id']}\t{row['prefix']}…\t{row['scope']}\t{row['status']}\t"
            f"{row['name']}\tlast used {used}\texpires {expires}"
        )


@tokens.command("revoke")
@click.argument("token_id", type=int)
@commits
def revoke_command(token_id):
    """Revoke the token with TOKEN_ID at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token with id {token_id}.")
    services.revoke_token(token)
    click.echo(f"Token {token_id} revoked.")
