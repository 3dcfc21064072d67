"""Settings, read from environment variables. README lists every one of them."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# The development default of earlier versions: public, so refused by every config but testing.
INSECURE_DEFAULT_SECRET = "dev-insecure-change-me"  # noqa: S105


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _default_database_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'scheduler.db'}"


class Config:
    ENV_NAME = "development"
    # Empty: development generates one into SECRET_KEY_FILE; production refuses to start.
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", str(BASE_DIR / "instance" / "secret_key"))
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    # Pooled connections idle longer than this are pinged before use (not every checkout).
    DB_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DB_PING_AFTER_IDLE_SECONDS", 5))
    # Seconds a client is asked to wait (Retry-After) when the database cannot be reached.
    OUTAGE_RETRY_AFTER_SECONDS = int(os.environ.get("OUTAGE_RETRY_AFTER_SECONDS", "30"))
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Rendered pages each worker keeps while the data stays the same (scheduler/pagecache.py).
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "256"))
    OFFICE_TIMEZONE = os.environ.get("OFFICE_TIMEZONE", "Asia/Shanghai")

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh", "ko", "en")

    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit
    BOOTSTRAP_SERVE_LOCAL = True  # never a CDN: many are unreachable from mainland China

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
    # A session cookie older than this (since it was last written) is refused; "Keep me signed
    # in" lasts this long. Signing out (everywhere) or a password change ends both sooner.
    PERMANENT_SESSION_LIFETIME = timedelta(
        hours=float(os.environ.get("SESSION_LIFETIME_HOURS", 12))
    )
    REMEMBER_COOKIE_DURATION = timedelta(days=float(os.environ.get("REMEMBER_ME_DAYS", 14)))

    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
    # Failed sign-ins from one address for any accounts (password spraying), and for one
    # account from anywhere before its back-off and the notice to admins (auth/throttle.py).
    LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", "30"))
    LOGIN_ACCOUNT_BACKOFF_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_BACKOFF_FAILURES", "20"))
    # Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts none.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    # Rate-limit counts in Redis (shared by every host) instead of the database.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "cnkr-scheduler:limits:")
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
    API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(64 * 1024)))
    # Data rows read from an import file (contacts, holiday overrides); more is refused.
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))
    # Meeting attachments, stored by random names (scheduler/history/attachment_files.py).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "file")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(BASE_DIR / "instance" / "mail"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "foreign-affairs@cnkr-zone.example.cn")
    # The office's names (page header, From display names, signatures, feeds, reports);
    # empty: the defaults of scheduler/office.py (the Demonstration Zone's office).
    OFFICE_NAME_ZH = os.environ.get("OFFICE_NAME_ZH", "")
    OFFICE_NAME_KO = os.environ.get("OFFICE_NAME_KO", "")
    OFFICE_NAME_EN = os.environ.get("OFFICE_NAME_EN", "")
    OFFICE_SHORT_NAME_ZH = os.environ.get("OFFICE_SHORT_NAME_ZH", "")
    OFFICE_SHORT_NAME_KO = os.environ.get("OFFICE_SHORT_NAME_KO", "")
    OFFICE_SHORT_NAME_EN = os.environ.get("OFFICE_SHORT_NAME_EN", "")
    # Put before every subject in that language, e.g. "【中韩（长春）示范区】"; empty: none.
    MAIL_SUBJECT_PREFIX_ZH = os.environ.get("MAIL_SUBJECT_PREFIX_ZH", "")
    MAIL_SUBJECT_PREFIX_KO = os.environ.get("MAIL_SUBJECT_PREFIX_KO", "")
    MAIL_SUBJECT_PREFIX_EN = os.environ.get("MAIL_SUBJECT_PREFIX_EN", "")
    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "none")  # none, starttls or tls
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "30"))
    # Sent mail bodies (outbox rows, MAIL_FOLDER files) are purged this many days after sending.
    MAIL_RETENTION_DAYS = int(os.environ.get("MAIL_RETENTION_DAYS", "180"))
    OUTBOX_INTERVAL_SECONDS = int(os.environ.get("OUTBOX_INTERVAL_SECONDS", "30"))
    # A deliverer claims this many messages at a time, with a lease renewed before each one
    # goes out; a deliverer killed mid-batch holds its claims at most this long. The lease
    # must outlast the slowest single send (a few SMTP_TIMEOUTs).
    OUTBOX_CLAIM_BATCH = int(os.environ.get("OUTBOX_CLAIM_BATCH", "5"))
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "120"))
    # Webhooks (scheduler/api/webhooks): how often the scheduler process delivers due ones, how
    # long a receiver may take to answer, and whether http:// and private, loopback or
    # link-local addresses may receive them (never in production: it opens the office network).
    WEBHOOKS_INTERVAL_SECONDS = int(os.environ.get("WEBHOOKS_INTERVAL_SECONDS", "30"))
    WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "5"))
    WEBHOOKS_ALLOW_HTTP = _env_bool("WEBHOOKS_ALLOW_HTTP", False)
    WEBHOOKS_ALLOW_PRIVATE = _env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
    # The office mailbox (MAIL_FROM's), where calendar programs send REPLY/COUNTER/REFRESH
    # (scheduler/invites/replies). Polled by the scheduler process when IMAP_HOST is set.
    IMAP_HOST = os.environ.get("IMAP_HOST", "")
    IMAP_PORT = int(os.environ.get("IMAP_PORT") or "0")  # 0: 993 with tls, else 143
    IMAP_SECURITY = os.environ.get("IMAP_SECURITY", "tls")  # tls, starttls or none
    IMAP_USERNAME = os.environ.get("IMAP_USERNAME", "")
    IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
    IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
    IMAP_DONE_FOLDER = os.environ.get("IMAP_DONE_FOLDER", "Processed")
    IMAP_TIMEOUT = float(os.environ.get("IMAP_TIMEOUT", "30"))
    REPLY_INTERVAL_SECONDS = int(os.environ.get("REPLY_INTERVAL_SECONDS", "300"))
    # Minutes before a meeting's start; a meeting's own `reminder_offsets` overrides them.
    REMINDER_OFFSETS_MINUTES = os.environ.get("REMINDER_OFFSETS_MINUTES", "1440,60")
    # Owners of follow-up actions are reminded at 09:00 their time this many days before due.
    FOLLOW_UP_REMINDER_DAYS = int(os.environ.get("FOLLOW_UP_REMINDER_DAYS", "2"))
    # The people asked who have not answered a time poll are reminded this many days before
    # it closes (once each; staff can remind again by hand).
    POLL_REMINDER_DAYS = int(os.environ.get("POLL_REMINDER_DAYS", "2"))
    SCHEDULER_EMBEDDED = _env_bool("SCHEDULER_EMBEDDED", False)
    # The scheduler process writes its heartbeat this often (scheduler/ops/heartbeat.py).
    HEARTBEAT_INTERVAL_SECONDS = int(os.environ.get("HEARTBEAT_INTERVAL_SECONDS", "30"))
    # /healthz answers 503 past these limits (scheduler/ops/health.py).
    HEALTH_HEARTBEAT_MAX_AGE_SECONDS = int(
        os.environ.get("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", "120")
    )
    HEALTH_OUTBOX_MAX_BACKLOG = int(os.environ.get("HEALTH_OUTBOX_MAX_BACKLOG", "1000"))
    HEALTH_OUTBOX_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_OUTBOX_MAX_AGE_SECONDS", "21600"))
    HEALTH_MIN_FREE_BYTES = int(os.environ.get("HEALTH_MIN_FREE_BYTES", str(100 << 20)))
    # Bearer token of /metrics; empty: /metrics answers 404.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # Calendar feeds (scheduler/feeds): window, cancelled-meeting grace, token key, limits.
    FEED_DAYS_BACK = int(os.environ.get("FEED_DAYS_BACK", "90"))
    FEED_MONTHS_AHEAD = int(os.environ.get("FEED_MONTHS_AHEAD", "18"))
    FEED_CANCELLED_DAYS = int(os.environ.get("FEED_CANCELLED_DAYS", "14"))
    FEED_TOKEN_KEY = os.environ.get("FEED_TOKEN_KEY", "")  # empty: derived from SECRET_KEY
    FEED_MISS_LIMIT = int(os.environ.get("FEED_MISS_LIMIT", "20"))
    FEED_MISS_WINDOW_SECONDS = int(os.environ.get("FEED_MISS_WINDOW_SECONDS", "600"))
    # API requests per token and minute (scheduler/api/rate_limits.py), shared by every worker.
    API_READS_PER_MINUTE = int(os.environ.get("API_READS_PER_MINUTE", "600"))
    API_WRITES_PER_MINUTE = int(os.environ.get("API_WRITES_PER_MINUTE", "120"))
    FEED_FETCH_WRITE_SECONDS = int(os.environ.get("FEED_FETCH_WRITE_SECONDS", "300"))
    # Per worker: copies of rendered event blocks and finished feed bodies (about 1 MB each
    # per 1,000 events); the database stays the shared cache.
    FEED_MEMORY_BLOCK_BYTES = int(os.environ.get("FEED_MEMORY_BLOCK_BYTES", str(64 << 20)))
    # Finished feed bodies (and their gzip copies), named by ETag (scheduler/feeds/files.py).
    FEED_CACHE_FOLDER = os.environ.get(
        "FEED_CACHE_FOLDER", str(BASE_DIR / "instance" / "feed-cache")
    )


class DevelopmentConfig(Config):
    DEBUG = False  # the Werkzeug debugger needs inline script; use FLASK_DEBUG=1 when wanted
    SCHEDULER_EMBEDDED = _env_bool("SCHEDULER_EMBEDDED", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False  # tests that check CSRF turn it back on
    FEED_CACHE_FOLDER = str(Path(tempfile.gettempdir()) / "scheduler-tests-feed-cache")
    SERVER_NAME = None
    IMAP_HOST = ""  # the IMAP tests point the app at their own Dovecot
    WEBHOOKS_ALLOW_HTTP = True  # the webhook tests' receiver listens on http://127.0.0.1
    WEBHOOKS_ALLOW_PRIVATE = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by APP_ENV (development by default)."""
    name = os.environ.get("APP_ENV", "development").lower()
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
