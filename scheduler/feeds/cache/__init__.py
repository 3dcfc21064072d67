"""The feed cache behind one door: `serve()` answers a feed request with validators and body.

An unchanged feed costs one indexed read (token, cached validators, change generation) and
its body is a file on disk; only after a change is anything rebuilt. The modules:

- ``state``: that one read, on a connection of its own (``connection``: autocommit);
- ``body``: the stored body while current, else a rebuild when the contents' fingerprint
  changed (``content``: what a feed holds, its versions and fingerprint);
- ``blocks``: the body joined from VEVENT blocks out of this process's ``memory`` and the
  shared block table, ``render`` making only the missing ones;
- ``files``: finished bodies on disk (in memory when the folder cannot be written), named by
  ETag, and their gzip copies (`open_gzipped`, `body_size`,
  for the view to send to clients that accept gzip);
- ``invalidation``: the session hooks that raise the change generation with every change;
- ``fetches``: the fetch statistics (in the database or Redis: every worker's count).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from scheduler.db import now_utc
from scheduler.feeds.cache.body import Served, is_current, served_for
from scheduler.feeds.cache.fetches import fetch_counts
from scheduler.feeds.cache.files import body_size, open_gzipped
from scheduler.feeds.cache.state import feed_state
from scheduler.transaction import keep_changes

__all__ = ["Served", "Validators", "body_size", "open_gzipped", "serve"]


class Validators(Protocol):
    """What a client's conditional request is checked against (a stored state, a body)."""

    etag: str
    last_modified: datetime


def serve(
    token: str, lang: str | None, user_agent: str, client_is_current: Callable[[Validators], bool]
) -> Served | None:
    """What to answer for the feed of *token* in *lang* (None: its own language), or None
    when no active feed has that token.

    *client_is_current* tells whether the client already holds a representation with the
    given validators (``.etag``, ``.last_modified``): if the stored body is current and it
    does, no body is opened (``Served.stream`` is None). The fetch is counted, and what the
    request wrote (statistics, a rebuilt body's validators and blocks) is kept: committed
    at the end of the request although it is a GET.
    """
    state = feed_state(token, lang)
    if state is None:
        return None
    now = now_utc()
    if is_current(state, now) and client_is_current(state):
        served = Served(state.etag, state.last_modified, None)  # 304: no body needed
    else:
        served = served_for(state, now)
    fetch_counts().add(state.id, (user_agent or "")[:300])
    keep_changes()  # (an unchanged feed's request has no session: nothing to commit)
    return served
