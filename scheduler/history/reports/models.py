"""The number that versions the cached statistics (scheduler/history/reports/changes.py)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.extensions import db


class StatisticsChanges(db.Model):
    """One row: a number drawn anew at the commit of any change the statistics count.

    Written by the session hooks in scheduler/history/reports/changes.py (never by hand).
    """

    __tablename__ = "statistics_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
