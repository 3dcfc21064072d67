"""Delivering webhooks: claim a few due rows with a short lease, POST each, record the result.

Like the mail outbox (`scheduler.invites.outbox.delivery`): rows are claimed with a random
token (FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional UPDATE everywhere) and the claim is
committed, so two deliverers never send the same row; a deliverer that dies leaves its claims
to expire with their lease. At least once: a receiver may see an event again (after a lost
answer), and drops repeats by the Webhook-Id header.

A 2xx answer delivers; anything else (another status, a redirect: redirects are not followed,
a timeout, a refused address) is retried after RETRY_DELAYS (the outbox's: 1 min, 5 min,
30 min, 2 h, 12 h) and fails for good after the last.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from scheduler.api.webhooks.addresses import AddressError
from scheduler.api.webhooks.models import WebhookDelivery
from scheduler.api.webhooks.sending import Attempt, post
from scheduler.api.webhooks.signing import open_secret
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.delivery import RETRY_DELAYS, Batch  # the mail's back-off too

log = logging.getLogger(__name__)
CLAIM_BATCH = 5
LEASE = timedelta(seconds=60)  # longer than one POST (5 s timeout) with its name look-up
WAITING = ("pending", "retrying")


class Claim(Batch):
    """One deliverer's claim, as the outbox's: a random token and a clock starting at *now*
    (which tests may set), holding webhook rows with a lease of their own."""

    def __init__(self, now: datetime):
        super().__init__(now)
        self.lease = LEASE

    def mine(self):
        """The SQL condition: rows this claim holds."""
        return WebhookDelivery.claimed_by == self.token


def _free(cutoff: datetime):
    return sa.or_(WebhookDelivery.claimed_by.is_(None), WebhookDelivery.claimed_at < cutoff)


def claim_due(claim: Claim, limit: int) -> list[int]:
    """Claim up to *limit* due rows and commit the claim; their ids, oldest due first."""
    cutoff = claim.clock() - claim.lease
    query = (
        sa.select(WebhookDelivery.id)
        .where(WebhookDelivery.status.in_(WAITING), WebhookDelivery.next_attempt_at <= claim.now)
        .where(_free(cutoff))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for row_id in list(db.session.scalars(query)):
        result = db.session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.id == row_id, WebhookDelivery.status.in_(WAITING))
            .where(_free(cutoff))
            .values(claimed_by=claim.token, claimed_at=claim.now)
        )
        if result.rowcount == 1:
            claimed.append(row_id)
    db.session.commit()  # a job: the claim must be visible to other deliverers before sending
    return claimed


def _record(row: WebhookDelivery, attempt: Attempt | None, error_code: str, now: datetime):
    """Store the outcome of one try (*attempt* None: nothing was sent, e.g. inactive)."""
    row.claimed_by = None
    row.last_status = attempt.status if attempt else None
    if attempt is not None and attempt.ok:
        row.status, row.delivered_at, row.error_code, row.last_error = "delivered", now, "", ""
        row.attempts += 1
        return "delivered"
    row.error_code, row.last_error = error_code, (attempt.detail if attempt else "")[:2000]
    if attempt is None:
        row.status = "failed"
        return "failed"
    row.attempts += 1
    if row.attempts > len(RETRY_DELAYS):
        row.status = "failed"
        return "failed"
    row.status, row.next_attempt_at = "retrying", now + RETRY_DELAYS[row.attempts - 1]
    return "retry"


def _deliver_one(claim: Claim, row_id: int) -> str:
    """Send one claimed row and record the outcome (committed); the outcome's name."""
    row = db.session.get(WebhookDelivery, row_id)
    if row is None or row.claimed_by != claim.token:
        return "lost"
    endpoint = row.endpoint
    if not endpoint.active:
        outcome = _record(row, None, "inactive", claim.now)
    else:
        url, secret, body = endpoint.url, open_secret(endpoint.secret_sealed), row.body
        row.claimed_at = claim.clock()
        db.session.commit()  # a job: renew the lease, and hold no transaction while posting
        attempt = _post(url, secret, row.uuid, body)
        row = db.session.get(WebhookDelivery, row_id)
        outcome = _record(row, attempt, attempt.code, claim.now)
    db.session.commit()  # a job commits per unit of work: a delivered row is never sent again
    return outcome


def _post(url: str, secret: str, event_id: str, body: str) -> Attempt:
    timeout = current_app.config["WEBHOOKS_TIMEOUT_SECONDS"]
    try:
        return post(url, secret, event_id, body.encode(), timeout)
    except AddressError as error:  # its code names the reason on the page, in every language
        return Attempt(None, error.code)
    except Exception as error:  # a bug or a surprise: charged, so one row cannot block all
        log.exception("webhooks: delivery %s failed", event_id)
        return Attempt(None, "unexpected", type(error).__name__)


def _give_back(claim: Claim) -> None:
    """After an exception, free this deliverer's claims at once (else their lease frees them)."""
    try:
        db.session.rollback()
        db.session.execute(
            sa.update(WebhookDelivery)
            .where(claim.mine(), WebhookDelivery.status.in_(WAITING))
            .values(claimed_by=None, error_code="interrupted")
        )
        db.session.commit()  # a job: the claims must be free for the next deliverer
    except Exception:  # noqa: BLE001 - the original error is raised by the caller
        log.exception("webhooks: could not give back claims; they expire with their lease")
        db.session.rollback()


def deliver_due(now: datetime | None = None, limit: int = CLAIM_BATCH) -> dict:
    """Deliver everything due, *limit* rows a claim, until none is due; the counts of
    ``delivered``, ``retry`` and ``failed``. Commits after every row."""
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    while True:
        claim = Claim(now or now_utc())
        ids = claim_due(claim, limit)
        try:
            for row_id in ids:
                outcome = _deliver_one(claim, row_id)
                if outcome in counts:
                    counts[outcome] += 1
        except BaseException:
            _give_back(claim)
            raise
        if not ids:
            return counts
