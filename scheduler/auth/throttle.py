"""Failed sign-in limits that slow guessing down without locking the real user out.

Three counts over LOGIN_FAILURE_WINDOW_MINUTES, kept in the shared limit store
(scheduler/limits: the database, or Redis with REDIS_URL):

* **Account and address** (LOGIN_MAX_FAILURES, 5): an address that failed five times for an
  account is refused for that account. Every other address still signs in with the right
  password, so someone typing wrong passwords for a colleague's e-mail locks out only
  themselves.
* **Address** (LOGIN_ADDRESS_MAX_FAILURES, 30): one address failing for many accounts
  (password spraying) is refused for all of them.
* **Account, from anywhere** (LOGIN_ACCOUNT_BACKOFF_FAILURES, 20): the back-off. Once an
  account counts that many failures in the window, every address that has already failed for
  it in the window is refused for it, so each address gets one guess per window instead of
  five. An address that has not failed for the account still has its password checked: the
  real user is never refused from a place they have not mistyped at, however many machines
  guess at their account. The administrators hear of it once per window: an audit entry
  (``login_backoff``) and, through the `login_backoff` signal, a mail to each active admin.

A refusal (429) is decided before any password is checked and writes nothing; a failure
writes one event per count; a good sign-in clears its own pair (an earlier typo does not count
toward the next lock). Keys are hashes of the e-mail and the address (`limit_key`).
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from scheduler.audit.services import record
from scheduler.auth.models import User
from scheduler.auth.services import find_user
from scheduler.auth.signals import login_backoff
from scheduler.extensions import db
from scheduler.limits.store import limit_key, limit_store

AUDIT_ACTION = "login_backoff"


def window_minutes() -> int:
    """The window of every sign-in limit, in minutes (also what the refusal tells the user)."""
    return _limit("LOGIN_FAILURE_WINDOW_MINUTES")


def _limit(name: str) -> int:
    return int(current_app.config[name])


@dataclass(frozen=True)
class LoginThrottle:
    """The limits of one sign-in attempt: *email* (as typed) from *address*."""

    email: str
    address: str

    @property
    def _account(self) -> str:
        return self.email.strip().lower()

    @property
    def _window(self) -> timedelta:
        return timedelta(minutes=window_minutes())

    def _keys(self) -> dict[str, str]:
        return {
            "pair": limit_key("login-pair", self._account, self.address),
            "address": limit_key("login-address", self.address),
            "account": limit_key("login-account", self._account),
        }

    def refused(self) -> bool:
        """True when this address may not try this account now (answer 429)."""
        store, keys = limit_store(), self._keys()
        pair = store.count(keys["pair"], self._window)
        if pair >= _limit("LOGIN_MAX_FAILURES"):
            return True
        if store.count(keys["address"], self._window) >= _limit("LOGIN_ADDRESS_MAX_FAILURES"):
            return True
        # The back-off holds back only addresses that already failed for this account.
        return pair > 0 and self._account_failures() >= _limit("LOGIN_ACCOUNT_BACKOFF_FAILURES")

    def _account_failures(self) -> int:
        return limit_store().count(self._keys()["account"], self._window)

    def failed(self) -> None:
        """Count a wrong password (or an unknown or inactive account: counted the same)."""
        store = limit_store()
        for key in self._keys().values():
            store.hit(key, self._window)
        failures = self._account_failures()
        if failures >= _limit("LOGIN_ACCOUNT_BACKOFF_FAILURES"):
            user = find_user(self._account)
            if user is not None and user.is_active_user:
                self._notify_once(user, failures)

    def _notify_once(self, user: User, failures: int) -> None:
        """The audit entry and the admins' mail, at most once per account and window."""
        store, key = limit_store(), limit_key("login-notice", self._account)
        if store.count(key, self._window):
            return
        store.hit(key, self._window)
        details = {"failures": failures, "minutes": window_minutes()}
        record(db.session, AUDIT_ACTION, user, details)
        login_backoff.send(user, **details)

    def succeeded(self) -> None:
        """Forget this pair's failures after the right password."""
        limit_store().clear(self._keys()["pair"])
