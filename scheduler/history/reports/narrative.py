"""The annual report's opening paragraph: the year in a few sentences a leader can read out
(walkthrough §6.8), made of the same figures as the cards and tables below it."""

from flask_babel import gettext as _
from flask_babel import ngettext

from scheduler.i18n import current_language, localized
from scheduler.meetings.models import MeetingKind


def _busiest(stats, year: int):
    """(partner, count) of the partner with the most exchanges in *year*, or None."""
    rows = [(row.counts.get(year, 0), row.partner) for row in stats.by_partner]
    rows = [(n, p) for n, p in rows if n]
    if not rows:
        return None
    count, partner = max(rows, key=lambda r: r[0])
    return partner, count


def _opening(stats, year: int, partner) -> str:
    if partner is not None:
        return ngettext(
            "In %(year)d, %(num)d exchange was held with %(partner)s.",
            "In %(year)d, %(num)d exchanges were held with %(partner)s.",
            stats.total,
            year=year,
            partner=localized(partner, "name"),
        )
    partners = sum(1 for row in stats.by_partner if row.counts.get(year))
    return ngettext(
        "In %(year)d, %(num)d exchange was held with Korean partners (%(count)d in all).",
        "In %(year)d, %(num)d exchanges were held with Korean partners (%(count)d in all).",
        stats.total,
        year=year,
        count=partners,
    )


def report_narrative(stats, year: int, agreements: list, partner=None) -> str:
    """The report's summary paragraph in the active language (Chinese sentences end in a
    full stop of their own and follow without a space)."""
    sentences = [
        _opening(stats, year, partner),
        _(
            "Of these, %(video)d were video links, %(inbound)d delegation visits to "
            "Changchun and %(outbound)d visits to Korea.",
            video=stats.by_kind.get(MeetingKind.VIDEO_LINK, 0),
            inbound=stats.visits.get("inbound", 0),
            outbound=stats.visits.get("outbound", 0),
        ),
    ]
    if agreements:
        sentences.append(
            ngettext(
                "%(num)d MOU or agreement was signed.",
                "%(num)d MOUs or agreements were signed.",
                len(agreements),
            )
        )
    busiest = None if partner is not None else _busiest(stats, year)
    if busiest is not None:
        sentences.append(
            _(
                "The partner with the most exchanges was %(partner)s (%(num)d).",
                partner=localized(busiest[0], "name"),
                num=busiest[1],
            )
        )
    done, still_open = stats.follow_ups.get("done", 0), stats.follow_ups.get("open", 0)
    if done or still_open:
        sentences.append(
            _(
                "%(done)d follow-up actions were completed and %(open)d remain open.",
                done=done,
                open=still_open,
            )
        )
    return ("" if current_language() == "zh" else " ").join(sentences)
