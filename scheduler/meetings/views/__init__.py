"""Every page of the `meetings` blueprint: importing a page module registers its routes."""

from scheduler.meetings.blueprint import bp
from scheduler.meetings.series import people_views as series_people_views
from scheduler.meetings.series import views as series_views
from scheduler.meetings.views import pages  # noqa: F401 - meeting pages
from scheduler.meetings.views.pages import show_meeting  # the outcome pages re-render it

__all__ = ["bp", "series_people_views", "series_views", "show_meeting"]
