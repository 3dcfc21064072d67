"""The dashboard's recent changes: one line per operation, titles in the reader's language.

A series operation (confirm all, add someone to every occurrence, move the series) writes one
audit entry per meeting. Consecutive entries by the same person, with the same action, on
meetings of the same series read as one line: "changed 5 meetings of the series «…»: time".
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from scheduler.audit.models import AuditEntry
from scheduler.history.changes.labels import HIDDEN_FIELDS, field_label
from scheduler.i18n import list_separator, localized

# Fields that together say "the time changed" in a one-line summary.
TIME_FIELDS = {"start_dt", "end_dt", "timezone", "recurrence_start"}
TIME_LABEL = _l("Time")


@dataclass(frozen=True)
class Found:
    """What the dashboard knows of a changed object that still exists."""

    link: str
    titles: object  # a row with title_zh / title_ko / title_en, or None
    series_id: int | None = None
    series_link: str = ""


@dataclass
class ChangeLine:
    """One line of recent changes: the newest entry of a group and what the group changed."""

    entry: AuditEntry
    title: str
    link: str | None
    count: int = 1
    series_id: int | None = None
    fields: list[str] = field(default_factory=list)
    object_ids: set = field(default_factory=set)

    @property
    def is_series(self) -> bool:
        return self.series_id is not None and self.count > 1


def _joins(line: ChangeLine, entry: AuditEntry, series_id: int | None) -> bool:
    newest = line.entry
    return (
        series_id is not None
        and line.series_id == series_id
        and entry.object_type == newest.object_type == "meetings"
        and (entry.user_id, entry.action) == (newest.user_id, newest.action)
    )


def field_names(action: str, changes: dict | None) -> list[str]:
    """The fields an entry's line names: an update's changed fields, "time" for any of
    start, end and zone; none for other actions."""
    if action != "update":
        return []
    names = []
    for name in changes or {}:
        if name in HIDDEN_FIELDS:
            continue
        names.append("time" if name in TIME_FIELDS else name)
    return names


def _add_fields(line: ChangeLine, names: list[str]) -> None:
    for name in names:
        if name not in line.fields:
            line.fields.append(name)


def group_changes(entries, found: dict, lang: str, limit: int, names: dict) -> list[ChangeLine]:
    """At most *limit* lines from *entries* (newest first); *found* maps (type, id) to Found,
    *names* an entry's id to its `field_names`."""
    lines: list[ChangeLine] = []
    for entry in entries:
        known = found.get((entry.object_type, entry.object_id))
        series_id = known.series_id if known else None
        if lines and _joins(lines[-1], entry, series_id):
            line = lines[-1]
            if entry.object_id not in line.object_ids:
                line.object_ids.add(entry.object_id)
                line.count += 1
        else:
            if len(lines) == limit:
                break
            title = localized(known.titles, "title", lang) if known and known.titles else ""
            line = ChangeLine(entry, title or entry.object_label, known.link if known else None)
            line.series_id, line.object_ids = series_id, {entry.object_id}
            lines.append(line)
        _add_fields(line, names.get(entry.id, []))
    for line in lines:
        if line.is_series:
            line.link = found[line.entry.object_type, line.entry.object_id].series_link
    return lines


def fields_text(line: ChangeLine, lang: str) -> str:
    """The changed fields' labels, joined the reader's way: ``时间、状态``."""
    labels = []
    for name in line.fields:
        label = str(TIME_LABEL) if name == "time" else field_label(line.entry.object_type, name)
        if label not in labels:
            labels.append(label)
    return list_separator(lang).join(labels)
