"""Import every model so the metadata (and Alembic) sees the whole schema."""

from scheduler.api.idempotency.models import IdempotencyKey
from scheduler.api.tokens.models import ApiToken
from scheduler.api.webhooks.models import WebhookDelivery, WebhookEndpoint
from scheduler.audit.models import AuditEntry
from scheduler.auth.models import User
from scheduler.availability.models import HolidayOverride
from scheduler.contacts.models import Contact
from scheduler.feeds.models import Feed, FeedBody, FeedEventBlock
from scheduler.history.attachments.models import Attachment
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.reports.models import StatisticsChanges
from scheduler.history.search.models import SearchDocument
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.reminders.models import Reminder
from scheduler.invites.replies.models import InboundReply
from scheduler.limits.models import LimitHit
from scheduler.meetings.models import Meeting, Participant, Room, meeting_partners
from scheduler.meetings.series.models import MeetingSeries
from scheduler.ops.models import JobCount, SchedulerHeartbeat
from scheduler.pagecache import PageVersion
from scheduler.partners.models import Partner
from scheduler.polls.models import Poll, PollAnswer, PollCandidate, PollInvitee
from scheduler.visits.models import Visit, VisitMember, visit_partners

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Contact",
    "Feed",
    "FeedBody",
    "FeedEventBlock",
    "FollowUp",
    "HolidayOverride",
    "IdempotencyKey",
    "InboundReply",
    "JobCount",
    "LimitHit",
    "Meeting",
    "MeetingOutcome",
    "MeetingSeries",
    "PageVersion",
    "OutboxMessage",
    "Participant",
    "Partner",
    "Poll",
    "PollAnswer",
    "PollCandidate",
    "PollInvitee",
    "Reminder",
    "Room",
    "SchedulerHeartbeat",
    "User",
    "Visit",
    "VisitMember",
    "WebhookDelivery",
    "WebhookEndpoint",
    "meeting_partners",
    "visit_partners",
    "SearchDocument",
    "StatisticsChanges",
]
