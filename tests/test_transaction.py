"""The one commit point (scheduler/transaction.py): what a request or a command keeps.

A scratch app of its own with a few probe routes, so each case is seen through HTTP and the
CLI exactly as the real views and commands use it.
"""

import click
import pytest
import sqlalchemy as sa
from flask import Blueprint, abort, redirect
from flask.cli import with_appcontext

from config import TestingConfig
from scheduler import create_app
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.limits.models import LimitHit
from scheduler.security import any_role_may_post, public
from scheduler.transaction import commits, keep_changes, save


def _note(address: str) -> None:
    db.session.add(LimitHit(key=address, expires_at=now_utc()))
    db.session.flush()


def _probe_blueprint() -> Blueprint:
    bp = Blueprint("probe", __name__, url_prefix="/probe")

    def route(rule, view, methods=("POST",)):
        bp.add_url_rule(rule, view.__name__, public(any_role_may_post(view)), methods=methods)

    def get_write():
        _note("get")
        return "written"

    def get_keep():
        _note("get-kept")
        keep_changes()
        return "kept"

    def post_write():
        _note("post")
        return redirect("/")

    def post_refused():
        _note("refused")
        return "refused", 400

    def post_kept_refusal():
        _note("kept-refusal")
        keep_changes()
        return "kept", 401

    def post_crash():
        _note("crash")
        abort(500)

    def save_ok():
        return save(lambda: _note("saved"), lambda _r: redirect("/"), lambda e: "again", "Done")

    def save_refused():
        def change():
            _note("save-refused")
            raise UserError("No, not like this", status=422)

        return save(change, lambda _r: redirect("/"), lambda e: f"again: {e}")

    route("/get-write", get_write, ("GET",))
    route("/get-keep", get_keep, ("GET",))
    for view in (post_write, post_refused, post_kept_refusal, post_crash, save_ok, save_refused):
        route(f"/{view.__name__}", view)
    return bp


@click.command("probe-write")
@click.option("--fail", is_flag=True)
@with_appcontext
@commits
def probe_command(fail):
    _note("cli-fail" if fail else "cli")
    if fail:
        raise click.ClickException("refused")
    click.echo("written")


@pytest.fixture(scope="module")
def probe_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('commit-point') / 'probe.db'}"
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url})
    app.register_blueprint(_probe_blueprint())
    app.cli.add_command(probe_command)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _kept(app) -> list[str]:
    with app.app_context():
        query = sa.select(LimitHit.key).order_by(LimitHit.id)
        found = list(db.session.scalars(query))
        db.session.execute(sa.delete(LimitHit))
        db.session.commit()
    return found


def test_a_get_never_changes_state(probe_app):
    response = probe_app.test_client().get("/probe/get-write")
    assert (response.status_code, response.text) == (200, "written")
    assert _kept(probe_app) == []


def test_a_get_keeps_what_it_says_it_keeps(probe_app):
    assert probe_app.test_client().get("/probe/get-keep").status_code == 200
    assert _kept(probe_app) == ["get-kept"]


def test_a_post_that_succeeds_is_committed(probe_app):
    assert probe_app.test_client().post("/probe/post_write").status_code == 302
    assert _kept(probe_app) == ["post"]


def test_a_post_answered_with_an_error_changes_nothing(probe_app):
    client = probe_app.test_client()
    assert client.post("/probe/post_refused").status_code == 400
    assert client.post("/probe/post_crash").status_code == 500
    assert _kept(probe_app) == []


def test_an_error_answer_keeps_what_it_says_it_keeps(probe_app):
    assert probe_app.test_client().post("/probe/post_kept_refusal").status_code == 401
    assert _kept(probe_app) == ["kept-refusal"]


def test_save_commits_and_flashes_the_result(probe_app):
    client = probe_app.test_client()
    assert client.post("/probe/save_ok").status_code == 302
    with client.session_transaction() as session:
        assert session["_flashes"] == [("success", "Done")]
    assert _kept(probe_app) == ["saved"]


def test_save_rolls_back_a_user_error_and_answers_again(probe_app):
    client = probe_app.test_client()
    response = client.post("/probe/save_refused")
    assert (response.status_code, response.text) == (422, "again: No, not like this")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "No, not like this")]
    assert _kept(probe_app) == []


def test_a_user_error_with_conflicts_is_a_409():
    assert UserError("clash", conflicts=["one"]).status == 409
    assert (UserError("bad").status, str(UserError("bad"))) == (400, "bad")


def test_a_command_commits_when_it_returns_and_not_when_it_fails(probe_app):
    runner = probe_app.test_cli_runner()
    assert runner.invoke(args=["probe-write"]).output == "written\n"
    failed = runner.invoke(args=["probe-write", "--fail"])
    assert (failed.exit_code, failed.output) == (1, "Error: refused\n")
    assert _kept(probe_app) == ["cli"]
