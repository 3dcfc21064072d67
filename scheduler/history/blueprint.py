"""The ``history`` blueprint: the timelines (`history.views`) and the statistics, exports and
annual report (`history.reports.views`) register their routes on it.

It lives apart from its view modules so that none of them imports another;
`scheduler.history.blueprints` imports them all before the app registers the blueprint.
"""

from flask import Blueprint

from scheduler.history import timeline
from scheduler.history.pages import partner_names
from scheduler.i18n import number
from scheduler.meetings.models import FIRST_YEAR, LAST_YEAR
from scheduler.meetings.services import participant_label
from scheduler.visits.directions import DEFINITION as VISIT_DEFINITION

bp = Blueprint("history", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "participant_label": participant_label,
        "from_predecessor": timeline.from_predecessor,
        "number": number,
        "partner_names": partner_names,
        "YEAR_MIN": FIRST_YEAR,
        "YEAR_MAX": LAST_YEAR,
        "VISIT_DEFINITION": VISIT_DEFINITION,
    }
