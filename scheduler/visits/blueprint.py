"""The `visits` blueprint itself; `scheduler.visits.views` registers its pages on it.

Kept apart so the page modules (visits, delegation) import it without importing each other.
"""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")
