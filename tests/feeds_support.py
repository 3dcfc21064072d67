"""Helpers for the feed tests: make a feed through the CLI, fetch it, read its events."""

from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from scheduler.feeds.cache import memory


@pytest.fixture(autouse=True)
def _fresh_feed_state(app):
    """The pending fetch counts and output copies are per process: start each test clean
    (the rolled-back tests reuse ids)."""
    counts = app.extensions["fetch_counts"]
    for forget in (counts.clear, memory.clear):
        forget()
    yield
    for forget in (counts.clear, memory.clear):
        forget()


def new_feed(app, *args) -> str:
    """Create a feed with `flask feeds create ARGS` and return its path (/calendars/….ics)."""
    result = app.test_cli_runner().invoke(args=["feeds", "create", *args])
    assert result.exit_code == 0, result.output
    return urlsplit(result.output.strip()).path


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def summaries(body: bytes) -> list[str]:
    return [str(event["SUMMARY"]) for event in events(body)]
