"""Rate limits shared by every worker and host: counters of recent events per key.

The login limits (scheduler/auth/throttle.py) and the feed miss limit (scheduler/feeds) count
here. The counts live in the database by default, or in Redis when REDIS_URL is set
(`scheduler.limits.store`); never in a process, so four gunicorn workers on two hosts see the
same numbers.
"""
