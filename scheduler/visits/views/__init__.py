"""Every page of the `visits` blueprint: importing a page module registers its routes."""

from scheduler.visits.blueprint import bp
from scheduler.visits.views import delegation, pages

__all__ = ["bp", "delegation", "pages"]
