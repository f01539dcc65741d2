"""LuZhi settings: one module, driven by environment variables.

``LUZHI_ENV`` selects the mode: ``development`` (default: DEBUG on, SQLite, a
development secret key) or ``production`` (DEBUG off; refuses to start with a
default secret key, DEBUG on or no allowed hosts). ``DATABASE_URL`` selects the
database (SQLite file ``db.sqlite3`` by default; PostgreSQL in production).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


LUZHI_ENV = os.environ.get("LUZHI_ENV", "development").strip().lower()
PRODUCTION = LUZHI_ENV == "production"
DEVELOPMENT_SECRET_KEY = "luzhi-development-key-not-for-production"  # noqa: S105

SECRET_KEY = os.environ.get("LUZHI_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("LUZHI_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "LUZHI_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("LUZHI_CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    # Refuse to start rather than run a government system insecurely.
    problems = []
    if DEBUG:
        problems.append("LUZHI_DEBUG must be off")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("LUZHI_SECRET_KEY must be set to a random value of 50+ characters")
    if not ALLOWED_HOSTS:
        problems.append("LUZHI_ALLOWED_HOSTS must name the host(s) LuZhi is served on")
    if problems:
        raise ImproperlyConfigured("LUZHI_ENV=production: " + "; ".join(problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "import_export",
    "template_partials",
    "django_htmx",
    "axes",
    "csp",
    "luzhi.core",
    "luzhi.accounts",
    "luzhi.plan",
    "luzhi.indicators",
    "luzhi.registry",
    "luzhi.supervision",
    "luzhi.compute",
    "luzhi.proving_ground",
    "luzhi.scenarios",
    "luzhi.demo",
]

MIDDLEWARE = [
    # First: refuse an oversized body by its Content-Length before anything reads it.
    "luzhi.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "luzhi.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files from the web process (collectstatic); in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "luzhi.urls"
WSGI_APPLICATION = "luzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luzhi.core.context_processors.luzhi",
            ],
            # Stored units and round names in the reader's language, in every template.
            "builtins": ["luzhi.core.templatetags.luzhi_text"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("LUZHI_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Per-process memory cache (pages, cockpit cards, throttles). Django's default keeps 300
# entries, fewer than the cockpit's cards at a few hundred indicators; entries are keyed so
# that a new data version replaces, not adds (indicators.views.cockpit).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("LUZHI_CACHE_MAX_ENTRIES", "5000"))},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
CSRF_FAILURE_VIEW = "luzhi.core.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # core.views.landing: by role (core.nav.register_landing)
LOGOUT_REDIRECT_URL = "home"

# Sign-in lockout (django-axes): after LUZHI_LOGIN_FAILURE_LIMIT wrong passwords for one
# account, or from one address, sign-in is refused (429, registration/locked_out.html) for
# LUZHI_LOGIN_COOLOFF_MINUTES; /login/ and /admin/login/ alike (both go through authenticate()).
# Every lockout is logged (logger "luzhi.security"); the plan office unlocks at
# accounts:lockouts. Attempts live in the database, so every web process sees them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("LUZHI_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LUZHI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LUZHI_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "luzhi.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "luzhi.accounts.lockout.client_ip"
AXES_VERBOSE = False  # our own log line per lockout (luzhi.accounts.lockout)
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
LUZHI_PROXY_COUNT = int(os.environ.get("LUZHI_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("LUZHI_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("LUZHI_MEDIA_ROOT", BASE_DIR / "media"))

# Uploads: plan texts are small; refuse anything absurd before it reaches a form.
LUZHI_PLAN_UPLOAD_MAX_BYTES = int(os.environ.get("LUZHI_PLAN_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
# Registry spreadsheets: size and row limits, and where a validated upload waits for "confirm"
# (must be shared by every web worker of a host).
LUZHI_REGISTRY_UPLOAD_MAX_BYTES = int(
    os.environ.get("LUZHI_REGISTRY_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
)
LUZHI_REGISTRY_IMPORT_MAX_ROWS = int(os.environ.get("LUZHI_REGISTRY_IMPORT_MAX_ROWS", 200_000))
LUZHI_REGISTRY_IMPORT_DIR = Path(
    os.environ.get("LUZHI_REGISTRY_IMPORT_DIR", BASE_DIR / "var" / "registry-imports")
)
LUZHI_EVIDENCE_MAX_BYTES = int(os.environ.get("LUZHI_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # a body's non-file part
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger files spool to a temporary file
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Any request body larger than this is refused with 413 before it is read (by its
# Content-Length; core.middleware): the largest upload LuZhi takes plus room for the form.
# The proxy's client_max_body_size must be the same (docs/deployment.md).
LUZHI_REQUEST_MAX_BYTES = int(
    os.environ.get(
        "LUZHI_REQUEST_MAX_BYTES",
        max(LUZHI_PLAN_UPLOAD_MAX_BYTES, LUZHI_REGISTRY_UPLOAD_MAX_BYTES, LUZHI_EVIDENCE_MAX_BYTES)
        + 1024 * 1024,
    )
)

# Content-Security-Policy (django-csp) on every response. No nonces: public pages are cached
# whole (core.cache), so scripts come only from our own static files ('self'), never inline.
# Styles allow 'unsafe-inline': ECharts' tooltips and htmx's indicator style are inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (core.middleware): LuZhi uses none of these browser features.
LUZHI_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class, so an
    # unauthenticated write gets 401 (not 403); sessions still work for the browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["luzhi.core.api.ReadAnyoneWritePlanOffice"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "luzhi.core.api.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "luzhi.core.api.exception_handler",
    # Token-, session- and anonymous API calls are throttled per user / per address (429 with
    # Retry-After). Counters live in the cache (per process unless a shared cache is set).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("LUZHI_API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("LUZHI_API_THROTTLE_USER", "600/minute"),
    },
    "NUM_PROXIES": int(os.environ.get("LUZHI_PROXY_COUNT", "0")) or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LuZhi API",
    "DESCRIPTION": "鲁智: the Shandong AI Action Plan (2025–2027) as data.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package: no CDN on the government intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a "kind" choice set: name their enums instead of numbering them.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "luzhi.accounts.models.Unit.Kind",
        "SectionKindEnum": "luzhi.plan.models.Section.Kind",
        "ObligationStatusEnum": "luzhi.supervision.models.Obligation.Status",
        "RoundStatusEnum": "luzhi.supervision.models.Round.Status",
        "ObligationRoleEnum": "luzhi.supervision.models.Obligation.Role",
        "SupervisionOrderSourceEnum": "luzhi.supervision.models.SupervisionOrder.Source",
        "ObservationSourceEnum": "luzhi.indicators.models.Observation.Source",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("LUZHI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "LUZHI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("LUZHI_FROM_EMAIL", "luzhi@localhost")


def default_site_url(production: bool, hosts: list[str]) -> str:
    """Where LuZhi is served when ``LUZHI_SITE_URL`` is not set: in production the first
    named host of ``LUZHI_ALLOWED_HOSTS`` over https (never the development address, which
    would put 127.0.0.1 in the links of reminder emails); in development the runserver."""
    named = [h.lstrip(".") for h in hosts if h and "*" not in h]
    if production and named:
        return f"https://{named[0]}"
    return "http://127.0.0.1:8000"


# Where LuZhi is served, for links in emails (the worker has no request to take it from).
LUZHI_SITE_URL = os.environ.get(
    "LUZHI_SITE_URL", default_site_url(PRODUCTION, ALLOWED_HOSTS)
).rstrip("/")
# SMTP (LUZHI_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the government
# mail relay. Reminders (督办催报) are sent one digest email per unit and sweep through it.
EMAIL_HOST = os.environ.get("LUZHI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LUZHI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LUZHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LUZHI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LUZHI_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("LUZHI_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("LUZHI_EMAIL_TIMEOUT", "30"))

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUZHI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("LUZHI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("LUZHI_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_HTTPONLY = True
