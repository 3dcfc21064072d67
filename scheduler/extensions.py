"""Unbound extensions, bound to the app in create_app(). Never imports models."""

from functools import cached_property

from flask import g, request
from flask_babel import Babel, Domain
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from scheduler.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def babel_state():
    """Flask-Babel's namespace for the current context (where it keeps the locale chosen for
    the request), or None outside one. One context lookup, where Flask-Babel's own helpers
    take several per call: a page translates hundreds of strings."""
    try:
        return getattr(g, "_flask_babel", None)
    except RuntimeError:  # no application context
        return None


class RequestDomain(Domain):
    """The message domain, its catalog looked up once per request and locale.

    Flask-Babel resolves the locale and its catalog on every message; this keeps the catalog
    in the request's `babel_translations`, which `force_locale` and `refresh` already clear
    and restore whenever the locale changes."""

    def get_translations(self):
        state = babel_state()
        translations = getattr(state, "babel_translations", None)
        if translations is None:
            translations = super().get_translations()
            if state is not None:
                state.babel_translations = translations
        return translations


class SchedulerBabel(Babel):
    """Flask-Babel with the request-cached message domain (`RequestDomain`)."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


def install_template_gettext(app) -> None:
    """Templates translate through the request's catalog directly (`RequestDomain`), as
    Flask-Babel's own template callables do after several lookups per message."""

    def catalog():
        return babel.domain_instance.get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = SchedulerBabel()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()

MAX_PAGE = 10**6 - 1  # far past any list's end; keeps OFFSET within every database's integer


def page_number(args) -> int:
    """The 1-based ?page= of *args*; anything but a plain number from 1 to MAX_PAGE is 1."""
    raw = (args.get("page") or "").strip()
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 7 else 0
    return number if 0 < number <= MAX_PAGE else 1


def paginate(query, per_page: int):
    """`db.paginate` of *query* at the request's page; a page past the end is empty, not 404."""
    return db.paginate(query, page=page_number(request.args), per_page=per_page, error_out=False)
