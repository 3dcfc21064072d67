"""Shapes of contacts, partners' edits, feeds and the slot search (see also `schemas` for
partners and meetings, `read_schemas` for series, visits, slots and history)."""

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from scheduler.api.conditional import MAX_ROW_ID
from scheduler.api.schemas import MAX_PAGE, NamesSchema, Strict
from scheduler.feeds.models import FEED_SCOPES
from scheduler.sides import LANGUAGES

_DETAILS = {"description": "only for coordinators' and administrators' tokens"}


class ScriptsSchema(Strict):
    zh = f.String(metadata={"description": "Chinese"})
    ko = f.String(metadata={"description": "Korean"})


class ContactSchema(Strict):
    id = f.Integer(required=True)
    partner = f.String(required=True, metadata={"description": "partner slug"})
    name = f.Nested(NamesSchema, required=True)
    family_name = f.Nested(NamesSchema, required=True, metadata={"description": "en: romanized"})
    given_name = f.Nested(NamesSchema, required=True, metadata={"description": "en: romanized"})
    title = f.Nested(ScriptsSchema, required=True, metadata={"description": "job title"})
    department = f.Nested(ScriptsSchema, required=True)
    language = f.String(required=True)
    timezone = f.String(required=True)
    working_hours = f.String(allow_none=True, metadata={"description": "null: the partner's"})
    notes = f.String(required=True)
    is_active = f.Boolean(required=True)
    erased = f.Boolean(required=True)
    email = f.String(metadata=_DETAILS)
    phone = f.String(metadata=_DETAILS)
    created_at = f.String(required=True)
    updated_at = f.String(required=True)


class ContactPageSchema(Strict):
    items = f.List(f.Nested(ContactSchema), required=True)
    next_cursor = f.String(allow_none=True)


class ContactQuerySchema(Strict):
    partner = f.String(metadata={"description": "partner slug"})
    active = f.Boolean(metadata={"description": "only active (true) or inactive (false)"})
    cursor = f.String(metadata={"description": "from a Link rel=next header; opaque"})
    limit = f.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))


class ContactFieldsSchema(Strict):
    """A contact's fields as the contact form has them (checked by that form too)."""

    family_name_ko = f.String()
    given_name_ko = f.String()
    family_name_zh = f.String()
    given_name_zh = f.String()
    romanized_family = f.String()
    romanized_given = f.String()
    title_ko = f.String()
    title_zh = f.String()
    department_ko = f.String()
    department_zh = f.String()
    email = f.String(allow_none=True)
    phone = f.String()
    language = f.String(validate=validate.OneOf(LANGUAGES))
    timezone = f.String()
    working_hours = f.String(allow_none=True, metadata={"description": "e.g. Mon-Fri 09:00-18:00"})
    notes = f.String()


class ContactCreateSchema(ContactFieldsSchema):
    partner = f.String(required=True, metadata={"description": "partner slug"})


class ContactEraseSchema(Strict):
    reason = f.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "why the personal data is erased (kept in the audit log)"},
    )


class PartnerEditSchema(Strict):
    """The fields of the partner edit page (checked by its form too)."""

    name_zh = f.String()
    name_ko = f.String()
    name_en = f.String()
    seat_zh = f.String()
    seat_ko = f.String()
    seat_en = f.String()
    iso_code = f.String(allow_none=True, metadata={"description": "e.g. KR-11"})
    timezone = f.String()
    working_hours = f.String(allow_none=True)
    notes_zh = f.String()
    notes_ko = f.String()


class FeedSchema(Strict):
    id = f.Integer(required=True)
    scope = f.String(required=True, validate=validate.OneOf(FEED_SCOPES))
    partner = f.String(allow_none=True, metadata={"description": "partner slug"})
    contact = f.Integer(allow_none=True)
    user = f.Integer(allow_none=True)
    language = f.String(required=True)
    created_at = f.String(required=True)
    rotated_at = f.String(allow_none=True)
    last_fetched_at = f.String(allow_none=True)
    fetch_count = f.Integer(required=True)
    url = f.String(metadata={"description": "only when created or rotated: shown once"})
    webcal_url = f.String(metadata={"description": "only when created or rotated"})


class FeedListSchema(Strict):
    items = f.List(f.Nested(FeedSchema), required=True)


class FeedCreateSchema(Strict):
    scope = f.String(required=True, validate=validate.OneOf(FEED_SCOPES))
    partner = f.String(metadata={"description": "slug, for scope partner"})
    contact = f.Integer(
        validate=validate.Range(min=1, max=MAX_ROW_ID),
        metadata={"description": "id, for scope contact"},
    )
    language = f.String(validate=validate.OneOf(LANGUAGES))

    @ma.validates_schema
    def _owner_given(self, data, **_kwargs):
        for scope in ("partner", "contact"):
            if (data.get("scope") == scope) != (scope in data):
                reason = "missing" if data.get("scope") == scope else "invalid"
                raise ma.ValidationError(reason, field_name=scope)
