"""Register, change and list webhook endpoints, and read their recent deliveries."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.api.webhooks.addresses import check_url
from scheduler.api.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint
from scheduler.api.webhooks.signing import new_secret, seal_secret
from scheduler.audit.services import record
from scheduler.errors import UserError
from scheduler.extensions import db

RECENT_DELIVERIES = 50


class EndpointError(UserError):
    """An endpoint that cannot be saved as asked (its events)."""


def _events(events) -> str:
    chosen = [event for event in EVENT_TYPES if event in set(events or ())]
    if not chosen or len(chosen) != len(set(events)):
        raise EndpointError(_l("Choose at least one event from the list."), field="events")
    return " ".join(chosen)


def create_endpoint(url: str, events, created_by) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret, which is returned this once (stored sealed)."""
    events_text = _events(events)
    url = check_url(url)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=url, events=events_text, secret_sealed=seal_secret(secret), created_by=created_by
    )
    db.session.add(endpoint)
    db.session.flush()
    record(db.session, "create", endpoint, {"url": url, "events": events_text})
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, url: str, events, active: bool) -> None:
    """Change where *endpoint* points, what it receives and whether it is active. Its waiting
    deliveries stay: they go to the new address, or fail as deactivated when their turn comes."""
    events_text = _events(events)
    url = check_url(url) if active or url.strip() != endpoint.url else endpoint.url
    changes = {
        key: [getattr(endpoint, key), value]
        for key, value in (("url", url), ("events", events_text), ("active", active))
        if getattr(endpoint, key) != value
    }
    endpoint.url, endpoint.events, endpoint.active = url, events_text, active
    db.session.flush()
    if changes:
        record(db.session, "update", endpoint, changes)


def endpoints_with_counts() -> list[tuple[WebhookEndpoint, dict[str, int]]]:
    """Every endpoint, the newest first, with its deliveries counted by status."""
    endpoints = list(
        db.session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc()))
    )
    rows = db.session.execute(
        sa.select(WebhookDelivery.endpoint_id, WebhookDelivery.status, sa.func.count()).group_by(
            WebhookDelivery.endpoint_id, WebhookDelivery.status
        )
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for endpoint_id, status, number in rows:
        counts.setdefault(endpoint_id, {})[status] = number
    return [(endpoint, counts.get(endpoint.id, {})) for endpoint in endpoints]


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = RECENT_DELIVERIES):
    """*endpoint*'s latest deliveries, the newest first."""
    query = (
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
