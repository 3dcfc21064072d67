"""Idempotency-Key on the POSTs that create: a retried request creates nothing twice."""
