"""The transactional outbox and its delivery.

`enqueue()` adds a row in the caller's transaction, so a message exists exactly when the change
that caused it was committed. `deliver_due()` claims due rows (FOR UPDATE SKIP LOCKED on
PostgreSQL, a conditional UPDATE everywhere), commits the claim, sends, and records the result.
Two deliverers never claim the same row; a row whose deliverer died is released after a lease.
"""

from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

import sqlalchemy as sa

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.outbox.transports import TransportError, make_transport

# About 1 min, 5 min, 30 min, 2 h, 12 h; after the last one the message is marked failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
CLAIM_LEASE = timedelta(hours=1)  # longer than any batch can take to send


def enqueue(message: EmailMessage, kind: str = "mail", meeting_id: int | None = None):
    """Store *message* for delivery in the current transaction (flushes, never commits)."""
    row = OutboxMessage(
        message_id=message["Message-ID"],
        sender=parseaddr(str(message["From"]))[1],
        recipient=parseaddr(str(message["To"]))[1],
        subject=str(message["Subject"] or "")[:500],
        kind=kind,
        meeting_id=meeting_id,
        raw=message.as_bytes(policy=policy.SMTP),
    )
    db.session.add(row)
    db.session.flush()
    return row


def _release_stale_claims(now: datetime) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - CLAIM_LEASE)
        .values(status="pending")
    )


def _candidate_ids(now: datetime, limit: int) -> list[int]:
    query = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def claim_due(now: datetime, limit: int = 50) -> list[OutboxMessage]:
    """Mark up to *limit* due messages as ours and commit, so no other deliverer takes them."""
    _release_stale_claims(now)
    claimed = []
    for message_id in _candidate_ids(now, limit):
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .values(status="sending", claimed_at=now)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()  # a job: the claim must be visible to other deliverers before sending
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed)))
    return sorted(rows, key=lambda row: row.id)


def _record_success(row: OutboxMessage, now: datetime) -> None:
    row.status, row.sent_at, row.last_error = "sent", now, ""
    row.attempts += 1


def _record_failure(row: OutboxMessage, error: TransportError, now: datetime) -> None:
    row.attempts += 1
    row.last_error = str(error)[:2000]
    if error.permanent or row.attempts > len(RETRY_DELAYS):
        row.status = "failed"
    else:
        row.status = "pending"
        row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]


def deliver_due(now: datetime | None = None, limit: int = 50) -> dict:
    """Send what is due. Returns counts: sent, retry, failed. Commits after every message."""
    now = now or now_utc()
    rows = claim_due(now, limit)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not rows:
        return counts
    try:
        with make_transport() as transport:
            for row in rows:
                _send_one(transport, row, now, counts)
    except TransportError as error:  # could not even connect: every claimed row retries
        for row in rows:
            if row.status == "sending":
                _record_failure(row, error, now)
                counts["failed" if row.status == "failed" else "retry"] += 1
        db.session.commit()  # a job commits per unit of work: this failed batch
    return counts


def _send_one(transport, row: OutboxMessage, now: datetime, counts: dict) -> None:
    try:
        transport.send(row.message_id, row.sender, row.recipient, row.raw)
    except TransportError as error:
        _record_failure(row, error, now)
        counts["failed" if row.status == "failed" else "retry"] += 1
    else:
        _record_success(row, now)
        counts["sent"] += 1
    db.session.commit()  # a job commits per unit of work: a message sent is never sent twice


def resend(row: OutboxMessage) -> None:
    """Put a failed message back in the queue (staff asked for it)."""
    if row.status == "failed" and row.body_purged_at is None:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, now_utc()
        db.session.flush()
