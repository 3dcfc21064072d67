"""Charts drawn on the server as SVG by pygal, ready to inline in a page.

The page's Content-Security-Policy allows no inline script or style, so pygal's own <script>
(its tooltips) and <style> are taken out, and static/css/history.css styles the classes pygal
sets. Each chart is an image for screen readers (role="img") named by its <title> and <desc>;
the page shows the same numbers in a table beside it.
"""

import xml.etree.ElementTree as ET  # noqa: N817 - the module's usual name
from dataclasses import dataclass, field

import pygal
from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup
from pygal.style import Style

from scheduler.contacts.io.xlsx import display_width
from scheduler.i18n import localized, number
from scheduler.text import without_controls

SVG_NS = "http://www.w3.org/2000/svg"
_DROPPED_TAGS = {f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}desc"}
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


@dataclass
class Chart:
    """A chart and its data table: *rows* are (label, value, …) in the order drawn."""

    chart_id: str
    title: str
    description: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    svg: Markup = Markup("")


def bar_chart(
    chart_id: str,
    title: str,
    headers: list[str],
    labels: list[str],
    series: list[tuple[str, list[int]]],
    horizontal: bool = False,
    spoken: list[str] | None = None,
) -> Chart:
    """A bar chart of one or more *series* over *labels*, with its table and description;
    *spoken* are the labels as a sentence names them, when that differs (``2026年``)."""
    # A control character in a partner's name would make pygal's SVG ill-formed XML.
    labels = [without_controls(label) for label in labels]
    series = [(without_controls(name), values) for name, values in series]
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = kind(**_config(len(series) > 1, labels, horizontal))
    # pygal stacks horizontal bars from the bottom up; reversed, they read top-down like the table.
    order = (lambda items: list(reversed(items))) if horizontal else list
    chart.x_labels = order(labels)
    chart.y_labels = value_ticks(max((max(v, default=0) for _n, v in series), default=0))
    for name, values in series:
        chart.add(name, order(values))
    columns = [values for _name, values in series]
    rows = [[label, *values] for label, *values in zip(labels, *columns, strict=True)]
    totals = [sum(values) for values in zip(*columns, strict=True)]
    description = describe([without_controls(s) for s in spoken] if spoken else labels, totals)
    svg = finish_svg(chart.render(is_unicode=True), chart_id, title, description)
    return Chart(chart_id, title, description, headers, rows, svg)


# Font sizes in px, as static/css/history.css sets them: pygal sizes its margins for the
# labels from these, so they must be the sizes the page draws (pygal's own are smaller).
LABEL_PX, VALUE_PX = 13, 12
MARGIN_PX = 20  # pygal's default margin around the plot


def _style() -> Style:
    return Style(
        label_font_size=LABEL_PX,
        major_label_font_size=LABEL_PX,
        legend_font_size=LABEL_PX,
        value_font_size=VALUE_PX,
    )


def label_margin(labels: list[str]) -> int:
    """The left margin that keeps the longest of *labels* (left of a horizontal chart) whole.

    pygal reckons every character 0.6 em wide; a Hanzi or Hangul character takes a full em,
    so "签约（备忘录或协议）" or "济州特别自治道" used to lose their first characters."""
    if not labels:
        return MARGIN_PX
    guessed = max(len(label) for label in labels) * 0.6 * LABEL_PX
    drawn = max(display_width(label) for label in labels) * 0.55 * LABEL_PX
    return MARGIN_PX + max(0, round(drawn - guessed))


def _config(with_legend: bool, labels: list[str], horizontal: bool) -> dict:
    height = max(200, 24 * len(labels) + 80) if horizontal else 360
    return {
        "style": _style(),
        "margin_left": label_margin(labels) if horizontal else MARGIN_PX,
        "js": [],
        "css": [],
        "disable_xml_declaration": True,
        "no_prefix": True,
        "width": 800,
        "height": height,
        "show_legend": with_legend,
        "legend_at_bottom": True,
        "print_values": True,
        "print_zeroes": False,
        "truncate_label": -1,
        "x_label_rotation": 0,
        "include_x_axis": True,
        "value_formatter": number,
        "no_data_text": _("No data"),
    }


def value_ticks(highest: int) -> list[int]:
    """About five round whole-number ticks (steps of 1, 2 or 5 × 10ⁿ) from 0 past *highest*."""
    if highest <= 0:
        return [0, 1]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * 5 >= highest:
                return list(range(0, highest + step, step))
        magnitude *= 10


def describe(labels: list[str], totals: list[int]) -> str:
    """One sentence a screen reader can say about the chart."""
    if not labels or not any(totals):
        return _("There are no exchanges to show.")
    top = max(range(len(totals)), key=lambda i: totals[i])
    return _(
        "%(count)s bars, %(total)s in all; the largest is %(label)s with %(value)s.",
        count=number(len(labels)),
        total=number(sum(totals)),
        label=labels[top],
        value=number(totals[top]),
    )


def finish_svg(svg_text: str, chart_id: str, title: str, description: str) -> Markup:
    """pygal's SVG without script or inline style, named for screen readers."""
    root = ET.fromstring(svg_text)  # noqa: S314 - our own pygal output, not outside input
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in _DROPPED_TAGS or "style" in child.attrib:
                parent.remove(child)
    for old_title in root.findall(f"{{{SVG_NS}}}title"):
        root.remove(old_title)
    title_node = ET.Element(f"{{{SVG_NS}}}title", id=f"{chart_id}-title")
    title_node.text = title
    desc_node = ET.Element(f"{{{SVG_NS}}}desc", id=f"{chart_id}-desc")
    desc_node.text = description
    root.insert(0, desc_node)
    root.insert(0, title_node)
    root.attrib.update(
        {"id": chart_id, "role": "img", "aria-labelledby": f"{chart_id}-title {chart_id}-desc"}
    )
    # Serialized by ElementTree, which escapes every label (partner names are user text).
    return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704


def statistics_charts(stats, kind_labels: dict, month_names: list[str]) -> list[Chart]:
    """The charts of the statistics page and the annual report, labels in the reader's
    language (*kind_labels* by kind, twelve *month_names*)."""
    return [*_time_charts(stats, month_names), *_breakdown_charts(stats, kind_labels)]


def _time_charts(stats, month_names: list[str]) -> list[Chart]:
    exchanges = _("Exchanges")
    changes = stats.year_over_year()
    return [
        bar_chart(
            "chart-years",
            _("Exchanges per year"),
            [_("Year"), exchanges],
            [str(c.year) for c in changes],
            [(exchanges, [c.count for c in changes])],
            # A bare number in a sentence reads as a count: "the largest is 2026年".
            spoken=[pgettext("year", "%(year)s", year=str(c.year)) for c in changes],
        ),
        bar_chart(
            "chart-months",
            _("Exchanges by month in %(year)s", year=stats.month_year),
            [_("Month"), exchanges],
            month_names,
            [(exchanges, stats.by_month)],
        ),
    ]


def _breakdown_charts(stats, kind_labels: dict) -> list[Chart]:
    exchanges = _("Exchanges")
    partners = stats.by_partner
    follow_up_labels = [_("Open"), _("Done"), _("Dropped")]
    return [
        bar_chart(
            "chart-kinds",
            _("Exchanges by kind"),
            [_("Kind"), exchanges],
            [str(kind_labels[k]) for k in stats.by_kind],
            [(exchanges, list(stats.by_kind.values()))],
            horizontal=True,
        ),
        bar_chart(
            "chart-partners",
            _("Exchanges by partner"),
            [_("Partner"), exchanges],
            [localized(row.partner, "name") for row in partners],
            [(exchanges, [row.total for row in partners])],
            horizontal=True,
        ),
        bar_chart(
            "chart-follow-ups",
            _("Follow-up actions"),
            # NOTE: "Actions" here counts follow-up actions (a number), not a column of buttons.
            [_("Status"), pgettext("follow-up count", "Actions")],
            follow_up_labels,
            [(pgettext("follow-up count", "Actions"), list(stats.follow_ups.values()))],
        ),
    ]
