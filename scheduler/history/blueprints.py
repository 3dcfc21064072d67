"""Every blueprint of the exchange history, each with all of its view modules' routes.

A blueprint served by several view modules is made in a small module of its own
(`history.blueprint`, `outcomes.blueprint`) that those view modules import; importing the view
modules here puts their routes on it. The app registers `BLUEPRINTS` in this order.
"""

from scheduler.history import views as _timelines  # noqa: F401 - routes on history.blueprint
from scheduler.history.attachments import views as _attachments  # noqa: F401 - on outcomes
from scheduler.history.blueprint import bp as history_bp
from scheduler.history.follow_ups.views import bp as follow_ups_bp
from scheduler.history.outcomes import views as _outcomes  # noqa: F401 - on outcomes.blueprint
from scheduler.history.outcomes.blueprint import bp as outcomes_bp
from scheduler.history.reports import views as _reports  # noqa: F401 - on history.blueprint
from scheduler.history.search.views import bp as search_bp

BLUEPRINTS = (outcomes_bp, follow_ups_bp, history_bp, search_bp)
