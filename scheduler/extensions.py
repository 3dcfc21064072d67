"""Unbound extensions, bound to the app in create_app(). Never imports models."""

from flask import request
from flask_babel import Babel
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


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
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
