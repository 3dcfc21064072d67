"""The transactional outbox: the message row (`models`), enqueueing and delivery (`delivery`),
the ways a message leaves (`transports`), the staff page (`views`) and `flask outbox` (`cli`)."""
