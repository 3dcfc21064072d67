"""The form for a meeting's outcome."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from scheduler.forms import StrippedForm, max_length

# Officials are not expected to know the word "Markdown": say what the marks do.
MARKDOWN_HELP = _l(
    "Simple formatting: **bold**, a line starting with “- ” for a list, and links (http, "
    "https, mailto). HTML is shown as text."
)


class OutcomeForm(StrippedForm):
    # NOTE: outcome form: summary of the results in Chinese
    summary_zh = TextAreaField(
        _l("Summary (Chinese)"), validators=[max_length(5000)], render_kw={"rows": 4}
    )
    # NOTE: outcome form: summary of the results in Korean
    summary_ko = TextAreaField(
        _l("Summary (Korean)"), validators=[max_length(5000)], render_kw={"rows": 4}
    )
    minutes = TextAreaField(_l("Minutes"), validators=[max_length(100000)], render_kw={"rows": 12})
    decisions = TextAreaField(
        _l("Decisions"), validators=[max_length(20000)], render_kw={"rows": 5}
    )

    def validate_summary_zh(self, field):
        if not field.data and not self.summary_ko.data:
            raise ValidationError(_l("Write the summary in Chinese or in Korean."))
