"""Search over the exchange history: the index kept in step with meetings, the queries, the page."""
