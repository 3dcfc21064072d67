"""Invites by e-mail: iCalendar content, MIME messages, the outbox and its delivery."""
