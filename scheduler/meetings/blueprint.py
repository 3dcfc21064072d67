"""The `meetings` blueprint itself; `scheduler.meetings.views` registers its pages on it.

Kept apart so the page modules (meetings, series) import it without importing each other.
"""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
