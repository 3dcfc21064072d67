"""Holiday overrides: checking input, loading, setting, clearing and CSV import (flush only)."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from scheduler.audit.services import record
from scheduler.availability.holidays import COUNTRIES, OVERRIDE_KINDS, Override
from scheduler.availability.models import HolidayOverride
from scheduler.errors import UserError, import_max_rows, too_many_rows
from scheduler.extensions import db
from scheduler.sides import LANGUAGES
from scheduler.text import control_problem

CSV_HEADER = ("country", "date", "kind", "name_zh", "name_ko", "name_en")
NAME_MAX_LENGTH = 100
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the range staff plausibly need; keeps the package happy
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OverrideError(UserError):
    """Bad override input; ``str(error)`` is the translated reason."""


@dataclass(frozen=True)
class OverrideInput:
    """One checked override: what `set_override` needs."""

    country: str
    day: date
    kind: str
    names: dict[str, str]


def parse_country(text: str | None) -> str:
    """``CN`` or ``KR`` (any case, spaces ignored); raises OverrideError otherwise."""
    country = (text or "").strip().upper()
    if country not in COUNTRIES:
        raise OverrideError(_l('Unknown country "%(country)s". Use CN or KR.', country=text or ""))
    return country


def parse_day(text: str | None) -> date:
    """A YYYY-MM-DD date (a real one: no 30 February); raises OverrideError otherwise."""
    text = (text or "").strip()
    try:
        day = date.fromisoformat(text) if _ISO_DATE.match(text) else None
    except ValueError:
        day = None
    if day is None:
        raise OverrideError(
            _l('"%(text)s" is not a date. Use YYYY-MM-DD, for example 2027-02-06.', text=text)
        )
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OverrideError(
            _l("Use a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )
    return day


def parse_kind(text: str | None) -> str:
    kind = (text or "").strip().lower()
    if kind not in OVERRIDE_KINDS:
        raise OverrideError(_l('Unknown kind "%(kind)s". Use holiday or workday.', kind=text or ""))
    return kind


def check_names(kind: str, names: dict[str, str | None]) -> dict[str, str]:
    """Stripped zh/ko/en names; a holiday needs at least one. Raises OverrideError."""
    cleaned = {lang: (names.get(lang) or "").strip() for lang in LANGUAGES}
    if any(len(value) > NAME_MAX_LENGTH for value in cleaned.values()):
        raise OverrideError(_l("Names have at most %(max)d characters.", max=NAME_MAX_LENGTH))
    if kind == "holiday" and not any(cleaned.values()):
        raise OverrideError(_l("A holiday needs a name in at least one language."))
    return cleaned


def check_override(country, day, kind, names) -> OverrideInput:
    """Check raw text input for one override; raises OverrideError on the first problem."""
    texts = {"country": country, "date": day, "kind": kind}
    texts.update({f"name_{lang}": names.get(lang) for lang in LANGUAGES})
    for column, text in texts.items():  # named as in the CSV header and the command's options
        reason = control_problem(text or "", column)
        if reason is not None:
            raise OverrideError(reason)
    kind = parse_kind(kind)
    return OverrideInput(parse_country(country), parse_day(day), kind, check_names(kind, names))


def find_override(country: str, day: date) -> HolidayOverride | None:
    query = sa.select(HolidayOverride).where(
        HolidayOverride.country == country, HolidayOverride.day == day
    )
    return db.session.scalar(query)


def load_overrides(country: str, start: date, end: date) -> dict[date, Override]:
    """The overrides of *country* from *start* to *end* (included), for the calendar functions."""
    return overrides_by_country([country], start, end)[country]


def overrides_by_country(countries, start: date, end: date) -> dict[str, dict[date, Override]]:
    """`load_overrides` for each of *countries* at once, in one statement."""
    found: dict[str, dict[date, Override]] = {country: {} for country in countries}
    query = sa.select(HolidayOverride).where(
        HolidayOverride.country.in_(list(found)),
        HolidayOverride.day >= start,
        HolidayOverride.day <= end,
    )
    for row in db.session.scalars(query):
        found[row.country][row.day] = Override(row.kind, row.names)
    return found


def year_overrides(country: str, year: int) -> dict[date, Override]:
    """The overrides of *country* in *year*."""
    return load_overrides(country, date(year, 1, 1), date(year, 12, 31))


def set_override(checked: OverrideInput) -> HolidayOverride:
    """Create or replace the override of that country and day (flushes; audited)."""
    row = find_override(checked.country, checked.day)
    if row is None:
        row = HolidayOverride(country=checked.country, day=checked.day)
        db.session.add(row)
    row.kind = checked.kind
    row.name_zh, row.name_ko, row.name_en = (checked.names[k] for k in LANGUAGES)
    db.session.flush()
    return row


def clear_override(country: str, day: date) -> bool:
    """Remove the override, if any, so the package decides again. True when one was removed."""
    row = find_override(country, day)
    if row is None:
        return False
    before = {
        "kind": row.kind,
        "name_zh": row.name_zh,
        "name_ko": row.name_ko,
        "name_en": row.name_en,
    }
    record(db.session, "delete", row, {key: [value, None] for key, value in before.items()})
    db.session.delete(row)
    db.session.flush()
    return True


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line in the file; the header is row 1
    reason: LazyString | str  # translated when shown


def read_override_csv(
    data: bytes, max_rows: int | None = None
) -> tuple[list[OverrideInput], list[RowProblem]]:
    """Check every row of an override CSV; import only when the problem list is empty.

    More than *max_rows* non-blank rows (IMPORT_MAX_ROWS by default) refuse the whole file.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowProblem(1, _l("The file is not UTF-8 text."))]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if tuple(header) != CSV_HEADER:
        expected = ",".join(CSV_HEADER)
        return [], [
            RowProblem(1, _l("The first line must be the header %(header)s.", header=expected))
        ]
    return _check_rows(reader, import_max_rows() if max_rows is None else max_rows)


def _check_rows(reader, max_rows: int) -> tuple[list[OverrideInput], list[RowProblem]]:
    checked, problems, seen, rows = [], [], set(), 0
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > max_rows:  # stop reading: the whole file is refused
            return [], [RowProblem(number, too_many_rows(max_rows))]
        try:
            item = _check_row(cells)
        except OverrideError as error:
            problems.append(RowProblem(number, error.message))
            continue
        if (item.country, item.day) in seen:
            reason = _l(
                "%(country)s %(day)s appears more than once.",
                country=item.country,
                day=item.day.isoformat(),
            )
            problems.append(RowProblem(number, reason))
        seen.add((item.country, item.day))
        checked.append(item)
    return checked, problems


def _check_row(cells: list[str]) -> OverrideInput:
    if len(cells) != len(CSV_HEADER):
        raise OverrideError(
            _l(
                "Expected %(expected)d columns, found %(found)d.",
                expected=len(CSV_HEADER),
                found=len(cells),
            )
        )
    country, day, kind, name_zh, name_ko, name_en = cells
    return check_override(country, day, kind, {"zh": name_zh, "ko": name_ko, "en": name_en})


def import_overrides(checked: list[OverrideInput]) -> int:
    """Set every checked override (flush only). Returns how many rows were written."""
    for item in checked:
        set_override(item)
    return len(checked)


def move_override(country: str, from_day: date, to_day: date) -> HolidayOverride:
    """Move the override of *from_day* to *to_day*, keeping kind and names (flushes).

    Raises OverrideError when *from_day* has no override or *to_day* already has one.
    """
    row = find_override(country, from_day)
    if row is None:
        raise OverrideError(
            _l("There is no override on %(day)s to move.", day=from_day.isoformat())
        )
    if from_day != to_day and find_override(country, to_day) is not None:
        raise OverrideError(
            _l("%(day)s already has an override. Remove it first.", day=to_day.isoformat())
        )
    checked = OverrideInput(country, to_day, row.kind, row.names)
    clear_override(country, from_day)
    return set_override(checked)
