"""Signed webhooks (issue 17.5): endpoints registered by administrators, deliveries written
in the transaction of the change they report and POSTed by a job with retries."""
