"""Defaults only. Secrets and site settings come from instance/config.py or KARIER_* variables."""

from datetime import timedelta


class Defaults:
    # Database: None means "SQLite file in the instance folder" (filled in by create_app).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False

    # Production refuses to start without an explicit SECRET_KEY.
    PRODUCTION = False
    SECRET_KEY: str | None = None

    SESSION_COOKIE_NAME = "karier_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True behind HTTPS (set KARIER_SESSION_COOKIE_SECURE=true)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    REMEMBER_COOKIE_DURATION = timedelta(days=0)

    WTF_CSRF_TIME_LIMIT = None  # token valid for the whole session
    WTF_CSRF_SSL_STRICT = True

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = ("id", "en")

    # Flask-Limiter: memory for one process; use redis://127.0.0.1:6379/0 when scaled out.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # A sliding window, not a lockout: the sixth failure within any minute waits (docs/security.md).
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_FAILURES_PER_ACCOUNT = "5 per minute"
    LOGIN_ATTEMPTS_PER_IP = "60 per minute"

    # Number of proxies in front of the app that set X-Forwarded-* (nginx: 1).
    PROXY_COUNT = 0

    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # evidence files are at most 5 MB
    UPLOAD_FOLDER: str | None = None  # default: instance/uploads

    # Mail: notifications are queued and sent by `flask send-mail` when MAIL_SERVER is set.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "karier@marelan.go.id"

    # Shown in links inside e-mails and calendar feeds when no request is active.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    # Flask-Compress: brotli or gzip, as the client asks, when gunicorn serves alone (nginx
    # compresses in front of it too: deploy/nginx-karier.conf). Small bodies are not worth it.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "text/csv",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 4
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 500

    PAGE_SIZE = 25
    NOTIFICATION_POLL_SECONDS = 30  # the header badge refreshes itself this often

    LOG_JSON = False  # one JSON object per line (KARIER_LOG_JSON=true)
    LOG_LEVEL = "INFO"
