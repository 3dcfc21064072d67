"""Invites by e-mail: iCalendar content (`ical`), MIME messages (`mail`), one invite per
recipient (`invites`) and who gets which (`dispatch`), plain notices (`notices`) to mail
recipients (`recipients`); the sub-features `outbox/`, `rsvp/` and `reminders/`."""
