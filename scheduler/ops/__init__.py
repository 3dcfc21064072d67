"""What operators watch: the scheduler's heartbeat and job counts, /healthz and /metrics."""
