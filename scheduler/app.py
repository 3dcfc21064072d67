"""The application factory: a short list of `register_*` calls, each wiring one kind of part."""

from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from config import Config, config_from_env
from scheduler import models  # noqa: F401 - every model registered with the metadata
from scheduler.admin.audit_views import bp as audit_bp
from scheduler.admin.notices import register_admin_listeners
from scheduler.admin.views import bp as admin_bp
from scheduler.agenda.views import bp as calendar_bp
from scheduler.agenda.views import ics_bp as meeting_ics_bp
from scheduler.api.spec import register_api
from scheduler.api.tokens.views import bp as api_tokens_bp
from scheduler.api.webhooks.events import register_webhook_listeners
from scheduler.api.webhooks.views import bp as webhooks_bp
from scheduler.audit.services import register_audit_listener
from scheduler.auth.services import register_user_loader
from scheduler.auth.views import bp as auth_bp
from scheduler.availability.views import bp as holidays_admin_bp
from scheduler.cli import register_cli
from scheduler.contacts.io.views import bp as contacts_io_bp
from scheduler.contacts.views import bp as contacts_bp
from scheduler.db import fix_sqlite_transactions, ping_idle_connections
from scheduler.errors import SchedulerFlask, register_errors
from scheduler.extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    install_template_gettext,
    login_manager,
    migrate,
)
from scheduler.feeds.cache.fetches import init_fetch_counts
from scheduler.feeds.cache.invalidation import install as install_feed_invalidation
from scheduler.feeds.views import init_app as init_feeds
from scheduler.history.blueprints import BLUEPRINTS as HISTORY_BLUEPRINTS
from scheduler.history.reports.changes import install as install_statistics_changes
from scheduler.history.search.index import register_search_index_listeners
from scheduler.history.search.models import include_in_autogenerate
from scheduler.i18n import choose_language_early, select_locale, viewer_zone
from scheduler.invites.calendar_views import bp as rsvp_calendar_bp
from scheduler.invites.dispatch import register_invite_listeners
from scheduler.invites.failure_notices import register_failure_notice_listeners
from scheduler.invites.outbox.views import bp as outbox_bp
from scheduler.invites.reminders.services import register_reminder_listeners
from scheduler.invites.replies.views import bp as replies_bp
from scheduler.invites.rsvp.views import bp as rsvp_bp
from scheduler.limits.store import init_limits
from scheduler.main.views import bp as main_bp
from scheduler.meetings.rooms.views import bp as rooms_bp
from scheduler.meetings.views import bp as meetings_bp
from scheduler.ops.metrics import register_metrics
from scheduler.ops.views import bp as ops_bp
from scheduler.pagecache import watch_writes
from scheduler.partners.views import bp as partners_bp
from scheduler.polls.answer_views import bp as poll_answer_bp
from scheduler.polls.audit_trail import register_poll_audit
from scheduler.polls.notices import register_poll_listeners
from scheduler.polls.views import bp as polls_bp
from scheduler.privacy.views import bp as privacy_bp
from scheduler.redaction import install_log_redaction
from scheduler.security import configure_secret_key, register_security, trust_proxies
from scheduler.slots.views import bp as slots_bp
from scheduler.slots.warnings import register_warning_listeners
from scheduler.templating import register_templating
from scheduler.transaction import abandon, register_commit_point
from scheduler.visits.views import bp as visits_bp

BLUEPRINTS = (
    main_bp,
    auth_bp,
    partners_bp,
    contacts_bp,
    contacts_io_bp,
    admin_bp,
    audit_bp,
    holidays_admin_bp,
    rooms_bp,
    meetings_bp,
    polls_bp,
    poll_answer_bp,
    slots_bp,
    visits_bp,
    calendar_bp,
    meeting_ics_bp,
    rsvp_bp,
    rsvp_calendar_bp,
    outbox_bp,
    replies_bp,
    privacy_bp,
    ops_bp,
    api_tokens_bp,
    webhooks_bp,
    *HISTORY_BLUEPRINTS,
)


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the application. *config* is a Config class, a dict of overrides, or None (env)."""
    app = SchedulerFlask(
        "scheduler", template_folder="../templates", instance_relative_config=False
    )
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    _load_config(app, config)
    register_extensions(app)
    register_models(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_errorhandlers(app)
    register_commands(app)
    register_logging(app)
    return app


class RowIdConverter(IntegerConverter):
    """`<int:…>` up to 2**31 - 1, the largest id or year a column holds: a larger number in an
    address is a 404 like any missing row, never an overflow in the database driver."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _load_config(app: Flask, config) -> None:
    base = config if isinstance(config, type) else config_from_env()
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)
    configure_secret_key(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrations = str(Path(app.root_path).parent / "migrations")
    migrate.init_app(app, db, directory=migrations, include_name=include_in_autogenerate)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=viewer_zone)
    install_template_gettext(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    init_limits(app)
    init_fetch_counts(app)
    with app.app_context():
        watch_writes(db.engine)
        if db.engine.dialect.name == "sqlite":
            fix_sqlite_transactions(db.engine)
        else:
            ping_idle_connections(db.engine, float(app.config["DB_PING_AFTER_IDLE_SECONDS"]))


def register_models(app: Flask) -> None:
    """The session listeners; their order is the order their side effects happen in."""
    register_audit_listener(Session)
    register_user_loader()
    register_reminder_listeners(app)
    register_invite_listeners(app)
    register_failure_notice_listeners(app)
    register_admin_listeners(app)
    register_search_index_listeners(app)
    register_warning_listeners(app)
    register_poll_listeners(app)
    register_poll_audit(app)
    register_webhook_listeners(app)
    install_feed_invalidation()
    install_statistics_changes()


def register_blueprints(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    init_feeds(app)
    register_api(app)


def register_request_hooks(app: Flask) -> None:
    register_metrics(app)  # first: the guard's refusals are timed too
    register_security(app)
    choose_language_early(app)
    trust_proxies(app)
    register_commit_point(app)


def register_template_helpers(app: Flask) -> None:
    register_templating(app)


def register_errorhandlers(app: Flask) -> None:
    register_errors(app, roll_back=abandon)


def register_commands(app: Flask) -> None:
    register_cli(app)


def register_logging(app: Flask) -> None:
    """Link secrets (feed and RSVP tokens) never reach a log (`scheduler.redaction`)."""
    install_log_redaction(app)
