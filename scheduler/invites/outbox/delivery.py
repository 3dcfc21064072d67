"""The transactional outbox and its delivery.

`enqueue()` adds a row in the caller's transaction, so a message exists exactly when the change
that caused it was committed. `deliver_due()` works in small batches: it claims a few due rows
(OUTBOX_CLAIM_BATCH) with a short lease (OUTBOX_LEASE_SECONDS; FOR UPDATE SKIP LOCKED on
PostgreSQL, a conditional UPDATE everywhere) and commits the claim; then, message by message,
marks one "sending" while renewing the lease of the rest, sends it and records the result.

So two deliverers never claim the same row, and a deliverer that dies (kill -9, out of memory,
a lost database) strands at most the one message it was sending, until its lease expires; its
other claims go back to waiting when their lease expires, without ever showing "being sent".
Any exception puts this deliverer's unsent claims back at once, with the reason.
"""

import logging
import time
import uuid
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_login import current_user

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.outbox.signals import message_failed
from scheduler.invites.outbox.transports import TransportError, describe, make_transport

log = logging.getLogger(__name__)
# About 1 min, 5 min, 30 min, 2 h, 12 h; after the last one the message is marked failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
LEASE_EXPIRED = "the deliverer stopped while sending this message (its claim expired)"


class DeliveryCounts(dict):
    """Counts of ``sent``, ``retry`` and ``failed``; ``stopped`` says why delivery ended before
    the queue was empty (the mail server cannot be reached, the disk is full), else ""."""

    def __init__(self):
        super().__init__(sent=0, retry=0, failed=0)
        self.stopped = ""

    def add(self, other: "DeliveryCounts") -> None:
        """Add *other*'s counts (and its reason to stop) to these."""
        for key, value in other.items():
            self[key] += value
        self.stopped = other.stopped or self.stopped


def _acting_user_id() -> int | None:
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user.id


def enqueue(
    message: EmailMessage, kind: str = "mail", meeting_id: int | None = None, calendar_uid=""
):
    """Store *message* for delivery in the current transaction (flushes, never commits).

    The signed-in staff member, if any, is remembered as its cause (told if it fails); an
    invite names its *calendar_uid*, so it never overtakes an earlier one (`_in_turn`).
    """
    row = OutboxMessage(
        message_id=message["Message-ID"],
        sender=parseaddr(str(message["From"]))[1],
        recipient=parseaddr(str(message["To"]))[1],
        subject=str(message["Subject"] or "")[:500],
        kind=kind,
        meeting_id=meeting_id,
        calendar_uid=calendar_uid,
        caused_by_id=_acting_user_id(),
        raw=message.as_bytes(policy=policy.SMTP),
    )
    db.session.add(row)
    db.session.flush()
    return row


class Batch:
    """One deliverer's claim: a random token, and a clock that starts at *now* (which tests
    may set) and runs on in real time, so the lease is renewed with the time that passed."""

    def __init__(self, now: datetime):
        self.token = uuid.uuid4().hex
        self.now = now
        self.lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
        self._started = time.monotonic()

    def clock(self) -> datetime:
        """*now* plus the time passed since the batch began."""
        return self.now + timedelta(seconds=time.monotonic() - self._started)

    def mine(self):
        """The SQL condition: rows this batch holds."""
        return OutboxMessage.claimed_by == self.token


def _free(cutoff: datetime):
    """Rows no deliverer holds: never claimed, or their lease ran out before *cutoff*."""
    return sa.or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_at < cutoff)


def _release_expired(cutoff: datetime) -> None:
    """A message left "sending" by a deliverer that stopped renewing goes back to waiting."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < cutoff)
        .values(
            status="pending", claimed_by=None, error_code="interrupted", last_error=LEASE_EXPIRED
        )
    )


def _in_turn():
    """The SQL condition: no earlier invite for the same person and calendar UID is still
    waiting or being sent.

    Invites must reach a calendar in SEQUENCE order (an older one arriving last would put
    the old time back in some clients). The outbox row ids of one person's invites for one
    UID follow that order: a change of a meeting holds its row lock (the version UPDATE; a
    series' row in `dispatch._revise`) until it commits, and its mail is queued just before,
    so the next change's mail gets a higher id. So a row is sent only after every earlier
    sibling was sent or failed for good: a retry's wait holds the later ones back (ordering,
    rather than superseding, keeps every message on the outbox page as it was queued), and
    two deliverers can never send siblings at once, as the later one is not claimable."""
    earlier = sa.orm.aliased(OutboxMessage)
    return ~sa.exists().where(
        earlier.calendar_uid == OutboxMessage.calendar_uid,
        earlier.recipient == OutboxMessage.recipient,
        earlier.id < OutboxMessage.id,
        earlier.status.in_(("pending", "sending")),
    ) | (OutboxMessage.calendar_uid == "")


def _candidate_ids(now: datetime, cutoff: datetime, limit: int) -> list[int]:
    query = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .where(_free(cutoff), _in_turn())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def claim_due(batch: Batch, limit: int) -> list[OutboxMessage]:
    """Claim up to *limit* due messages for *batch* and commit, so no other deliverer takes
    them while the lease runs; they stay "pending" until each one's turn comes."""
    at = batch.clock()
    cutoff = at - batch.lease
    _release_expired(cutoff)
    claimed = []
    for message_id in _candidate_ids(batch.now, cutoff, limit):
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .where(_free(cutoff))
            .values(claimed_by=batch.token, claimed_at=at)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()  # a job: the claim must be visible to other deliverers before sending
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed)))
    return sorted(rows, key=lambda row: row.id)


def _start_sending(batch: Batch, row: OutboxMessage, rest: list[OutboxMessage]) -> tuple | None:
    """Mark *row* "sending" and renew the lease on *rest*; what to send, or None if the claim
    was lost. Read before the commit, so no transaction stays open during the (slow) send."""
    envelope = (row.message_id, row.sender, row.recipient, row.raw)
    at = batch.clock()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row.id, batch.mine(), OutboxMessage.status == "pending")
        .values(status="sending", claimed_at=at)
    )
    if rest:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in rest]), batch.mine())
            .values(claimed_at=at)
        )
    db.session.commit()  # a job: others must see the renewed lease before the (slow) send
    return envelope if result.rowcount == 1 else None


def _record_success(row: OutboxMessage, now: datetime) -> None:
    row.status, row.sent_at, row.last_error, row.error_code = "sent", now, "", ""
    row.attempts += 1
    row.claimed_by = None


def _record_failure(row: OutboxMessage, error: TransportError, now: datetime, counts) -> None:
    row.attempts += 1
    row.last_error, row.error_code, row.claimed_by = error.detail[:2000], error.code, None
    if error.permanent or row.attempts > len(RETRY_DELAYS):
        row.status = "failed"
        counts["failed"] += 1
        message_failed.send(row, now=now)  # a notice to whoever should know, in this transaction
    else:
        row.status = "pending"
        row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]
        counts["retry"] += 1


def _put_back(batch: Batch, rows: list[OutboxMessage], code: str, detail: str) -> None:
    """Give *rows* back to the queue untried: no attempt charged, the reason recorded."""
    if rows:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in rows]), batch.mine())
            .values(status="pending", claimed_by=None, error_code=code, last_error=detail[:2000])
        )
    db.session.commit()  # a job commits per unit of work: this batch's end


def _send_one(transport, row: OutboxMessage, envelope: tuple, now: datetime, counts):
    """Send *row* and record the result; the TransportError if it stops the batch."""
    failure = None
    try:
        transport.send(*envelope)
    except TransportError as error:
        failure = error
    except Exception as error:  # a bug or a surprise: charged, so one message cannot block all
        log.exception("outbox: sending message %s failed", row.id)
        failure = TransportError(describe(error), "unexpected")
    if failure is None:
        _record_success(row, now)
        counts["sent"] += 1
    elif failure.tried:
        _record_failure(row, failure, now, counts)
    db.session.commit()  # a job commits per unit of work: a message sent is never sent twice
    return failure if failure is not None and failure.stops_batch else None


def _send_batch(batch: Batch, rows: list[OutboxMessage], counts: DeliveryCounts) -> None:
    queue, stop = list(rows), None
    try:
        with make_transport() as transport:
            while queue and stop is None:
                row = queue.pop(0)
                envelope = _start_sending(batch, row, queue)
                if envelope is not None:
                    stop = _send_one(transport, row, envelope, batch.now, counts)
                    if stop is not None and not stop.tried:
                        queue.insert(0, row)
    except TransportError as error:  # no connection at all: the first message bears the attempt
        stop = error
        _record_failure(queue.pop(0), error, batch.now, counts)
    if stop is not None:
        counts.stopped = stop.detail
        _put_back(batch, queue, stop.code, f"not tried: {stop.detail}")


def _give_back_after(batch: Batch, error: BaseException) -> None:
    """After an exception, put every unsent claim of *batch* back with the reason; if even
    that fails (the database is gone), their short lease frees them."""
    try:
        db.session.rollback()
        db.session.execute(
            sa.update(OutboxMessage)
            .where(batch.mine(), OutboxMessage.status.in_(("pending", "sending")))
            .values(
                status="pending",
                claimed_by=None,
                error_code="interrupted",
                last_error=f"the deliverer stopped: {describe(error)}"[:2000],
            )
        )
        db.session.commit()  # a job: the claims must be free for the next deliverer
    except Exception:  # noqa: BLE001 - the original error is raised below
        log.exception("outbox: could not give back claims; they expire with their lease")
        db.session.rollback()


def deliver_batch(now: datetime, limit: int) -> tuple[DeliveryCounts, bool]:
    """Claim and send one small batch; its counts, and whether anything was claimed."""
    counts = DeliveryCounts()
    batch = Batch(now)
    rows = claim_due(batch, limit)
    if rows:
        try:
            _send_batch(batch, rows, counts)
        except BaseException as error:
            _give_back_after(batch, error)
            raise
    return counts, bool(rows)


def deliver_due(now: datetime | None = None, limit: int | None = None) -> DeliveryCounts:
    """Send everything that is due, a batch of *limit* (OUTBOX_CLAIM_BATCH) at a time, until
    the queue is empty or a failure stops delivery. Commits after every message."""
    limit = limit or current_app.config["OUTBOX_CLAIM_BATCH"]
    totals = DeliveryCounts()
    while True:
        counts, claimed = deliver_batch(now or now_utc(), limit)
        totals.add(counts)
        if not claimed or counts.stopped:
            return totals


def superseded(row: OutboxMessage) -> bool:
    """True for an invite queued for the same person and calendar UID before another one:
    sent again now, it would arrive after the newer one (see `_in_turn`)."""
    if not row.calendar_uid:
        return False
    later = sa.select(OutboxMessage.id).where(
        OutboxMessage.calendar_uid == row.calendar_uid,
        OutboxMessage.recipient == row.recipient,
        OutboxMessage.id > row.id,
    )
    return db.session.scalar(later.limit(1)) is not None


def resend(row: OutboxMessage) -> None:
    """Put a failed message back in the queue (staff asked for it)."""
    if row.status == "failed" and row.body_purged_at is None:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, now_utc()
        row.claimed_by = None
        db.session.flush()
