"""Every page of the `meetings` blueprint: importing a page module registers its routes."""

from scheduler.meetings.blueprint import bp
from scheduler.meetings.series import confirm_views as series_confirm_views
from scheduler.meetings.series import people_views as series_people_views
from scheduler.meetings.series import views as series_views
from scheduler.meetings.views import confirm, nearby, pages

__all__ = [
    "bp",
    "confirm",
    "nearby",
    "pages",
    "series_confirm_views",
    "series_people_views",
    "series_views",
]
