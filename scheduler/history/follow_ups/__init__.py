"""Follow-up actions agreed at a meeting, their pages and their owners' reminder e-mails."""
