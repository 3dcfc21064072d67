"""Helpers for the follow-up and dashboard tests: add actions, count SQL statements."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.history.follow_ups.services import create_follow_up


def add_follow_up(meeting, owner, title="寄送合作备忘录草案", due=date(2030, 12, 20), **fields):
    """A follow-up created by the service, as the add form would, and committed."""
    data = {"title": title, "owner_id": owner.id, "due_date": due, "notes": ""}
    follow_up = create_follow_up(meeting, data)
    for name, value in fields.items():
        setattr(follow_up, name, value)
    db.session.commit()
    return follow_up


@dataclass
class StatementCount:
    count: int = 0


@contextmanager
def count_statements(app):
    """Count the SQL statements sent to the database inside the block."""
    counted = StatementCount()

    def remember(*_args):
        counted.count += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        yield counted
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
