"""KK Digital settings: one module, configured from the environment.

Unset variables give the embedded demo: an SQLite file and Celery tasks run
eagerly in-process. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
DEBUG=0 and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# The demo key is only accepted while DEBUG is on; check --deploy and the
# startup check below refuse it in production.
INSECURE_DEMO_KEY = "django-insecure-kkdigital-demo-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEMO_KEY
if not DEBUG and SECRET_KEY == INSECURE_DEMO_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kkdigital.admin.KKAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "kkdigital",
    "strategy",
    "portfolio",
    "financing",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kkdigital.middleware.DanishByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every 403 and 404 is written to kkdigital.security, in one place.
    "kkdigital.middleware.RefusalLogMiddleware",
    "kkdigital.middleware.AbsoluteSessionLifetimeMiddleware",
    # The roles, department and unread count in one query, when first asked for.
    "kkdigital.middleware.UserHeaderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kkdigital.lib.http.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it answers locked-out logins itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kkdigital.urls"

# Covering indexes (INCLUDE columns) are a PostgreSQL optimisation; on SQLite, the
# demo's database, they are plain indexes, which Django warns about at every migrate.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

TEMPLATES = [
    {
        # Django's engine, freeing each render's context at once (kkdigital/lib/templates.py).
        "BACKEND": "kkdigital.lib.templates.DjangoTemplates",
        "NAME": "django",  # the alias Django's own backend has
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kkdigital.context_processors.kkdigital",
            ],
        },
    },
]

WSGI_APPLICATION = "kkdigital.wsgi.application"

# Database: DATABASE_URL (postgres://…) or the embedded SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query whose estimated cost is high: the audit log's
    # counts took 2,6 s of compiling for 0,2 s of work. Short queries gain nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portfolio.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Danish by default, English available.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# Numbers are formatted where they are money or counts (kkdigital.lib.money); a
# global separator would turn ids such as case 1243 into "1.243" in HTML ids and values.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: the console in the demo, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KK Digital <kkdigital@kk.dk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend.
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# Links in e-mails point here.
KK_SITE_URL = os.environ.get("KK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Departments with drafts are reminded this many days before the intake deadline.
KK_REMINDER_DAYS_BEFORE_INTAKE_DEADLINE = int(
    os.environ.get("KK_REMINDER_DAYS_BEFORE_INTAKE_DEADLINE", "7")
)

# The sweeper sends unsent notification e-mails up to this many days old.
KK_UNSENT_EMAIL_MAX_AGE_DAYS = int(os.environ.get("KK_UNSENT_EMAIL_MAX_AGE_DAYS", "3"))
# ...and leaves the ones younger than this to the task queued when they were written.
KK_UNSENT_EMAIL_MIN_AGE_SECONDS = int(os.environ.get("KK_UNSENT_EMAIL_MIN_AGE_SECONDS", "60"))

# Celery: Redis as broker when REDIS_URL is set, else eager in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Every task is fire-and-forget (its effect is written to the database), so
# there is no result backend: with one, each enqueue also subscribed to its
# result in Redis and, with Redis down, retried that 20 times a second apart.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Enqueueing fails fast when the broker is down: no publish retries and short
# timeouts. The web request goes on (the transition is saved) and the beat
# task below sends the mails that could not be queued.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "retry_on_timeout": False,
    # kombu's connect retries for publishing: one quick retry, not three with pauses.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# A worker consumes this queue; tests give each run its own.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE: dict = {
    "unsent-notification-emails": {
        "task": "governance.tasks.send_unsent_notification_emails",
        # Mails that could not be queued (broker down) go out within minutes.
        "schedule": timedelta(minutes=2),
    },
    "intake-deadline-reminders": {
        "task": "governance.tasks.send_intake_reminders",
        # CELERY_TIMEZONE is Copenhagen time: 07:00 local, every day.
        "schedule": crontab(hour=7, minute=0),
    },
    "retender-radar": {
        "task": "governance.tasks.retender_radar",
        "schedule": crontab(hour=6, minute=30),
    },
    "followup-report-reminders": {
        "task": "governance.tasks.send_followup_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Exports whose message never reached the broker (Redis was down) are queued again.
    "sweep-exports": {"task": "governance.exports.tasks.sweep_exports", "schedule": 60.0},
}

# Exports (governance.exports): soft and hard time limits of the export task, and a
# broker visibility timeout longer than the hard limit: a message whose worker died
# is delivered again only once any run of it must have ended.
EXPORT_SOFT_TIME_LIMIT = int(os.environ.get("EXPORT_SOFT_TIME_LIMIT", str(9 * 60)))
EXPORT_TIME_LIMIT = int(os.environ.get("EXPORT_TIME_LIMIT", str(10 * 60)))
CELERY_TASK_ANNOTATIONS = {
    "governance.exports.tasks.run_export": {
        "soft_time_limit": EXPORT_SOFT_TIME_LIMIT,
        "time_limit": EXPORT_TIME_LIMIT,
    },
}
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    {
        # Also longer than the longest countdown of a retried e-mail (an hour), or
        # Redis would hand that waiting message to a second worker.
        "visibility_timeout": int(
            os.environ.get(
                "CELERY_VISIBILITY_TIMEOUT", str(max(65 * 60, EXPORT_TIME_LIMIT + 120))
            )
        ),
        # How often a worker looks for messages whose worker died (seconds).
        "unacked_restore_interval": int(os.environ.get("CELERY_RESTORE_INTERVAL", "10")),
        "unacked_restore_throttle": int(os.environ.get("CELERY_RESTORE_THROTTLE", "10")),
    }
)

# A history record's change reason is text, not 100 characters: reasons name cases
# ("Flyttet fra nr. 12 til nr. 3: <title>") and people's own words for acting
# outside a phase, which PostgreSQL would otherwise refuse past the limit.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Security baseline.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# A working day of inactivity ends the session.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
# Used, a session's idle timeout is renewed at most once a minute (kkdigital.middleware),
# not by a save on every request.
SESSION_SAVE_EVERY_REQUEST = False
KK_SESSION_RENEW_SECONDS = 60
# However active, a session ends this long after login (kkdigital.middleware).
KK_SESSION_ABSOLUTE_AGE = int(os.environ.get("SESSION_ABSOLUTE_AGE", str(12 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
# Django's login() gives the session a new key, so a key fixed before login
# is worthless after it.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Behind a reverse proxy that terminates TLS.
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling: five failures lock the username from that address for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy the client's address is in X-Forwarded-For; without
# one that header is the client's own claim and must not be trusted
# (kkdigital.lib.client_ip; django-ipware is not used).
KK_BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
KK_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "kkdigital.lib.client_ip.client_ip"
# Lock-out log lines name the user name; the address stays masked.
AXES_SENSITIVE_PARAMETERS = ["ip_address"]
# Personal data: keep failed attempts (needed for throttling), not a log of
# every successful login with address and browser.
AXES_DISABLE_ACCESS_LOG = True

# Pages under these paths (and every page for a signed-in user) get
# Cache-Control: no-store; see kkdigital.lib.http.
NO_STORE_PATH_PREFIXES = ("/sager/", "/proces/", "/admin/")

# Admin import/export: importing changes rows, exporting reads them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Limits of an admin import, checked before the file is parsed (kkdigital.imports).
KK_IMPORT_MAX_BYTES = int(os.environ.get("KK_IMPORT_MAX_BYTES", str(1024 * 1024)))
KK_IMPORT_MAX_ROWS = int(os.environ.get("KK_IMPORT_MAX_ROWS", "2000"))
# The KITOS import (portfolio.register) has its own limit: KITOS's export of a whole
# municipality's systems or contracts is far larger than any master-data file (16.000
# systems are about 1 MB, 20.000 contracts about 3 MB; the import reads up to 60.000 rows).
KK_KITOS_IMPORT_MAX_BYTES = int(
    os.environ.get("KK_KITOS_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "kkdigital.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Axes logs every login at INFO; lock-outs still show as warnings.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
