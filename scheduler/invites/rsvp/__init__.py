"""Answers to an invitation through signed links: tokens, recording an answer and telling the
organizer (`services`), and the public answer page (`views`)."""
