"""Partners answering from their own calendar: iMIP REPLY, COUNTER and REFRESH mailed to the
office mailbox (the invites' ORGANIZER). Reading a message (`parse`), what it does
(`services`, `counter`), the mailbox (`mailbox`), the review page (`views`) and `flask replies`
(`cli`)."""
