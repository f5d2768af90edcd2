"""Settings for Glossary Graph, read from environment variables (see README.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import pyvis
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set DJANGO_SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "glossary",
    "graphviz_app",
]

# History of the glossary (django-simple-history): change reasons are review comments, of any length.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The admin shows history but does not revert: its revert would save old rows past the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True
# History is read per row or per term (by its id), never across rows by date (see GlossaryHistoricalRecords).
SIMPLE_HISTORY_DATE_INDEX = False

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "glossary.errors.RejectNulBytesMiddleware",
    "glossary.middleware.AnonymousReadCacheMiddleware",
    "glossary.language.ReaderLanguageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change: simple-history reads the request's user (DRF's token user too) at write time.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Repeated failed sign-ins (admin login, API token) lock out that user name from that address
# (django-axes, attempts kept in the database, so every app server sees them).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
# Username and address together: nobody can lock a curator out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Reverse proxies in front of the app (each appends to X-Forwarded-For); 0 when clients connect directly.
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None

ROOT_URLCONF = "glossary.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "glossary.language.language_context",
            ],
        },
    },
]

WSGI_APPLICATION = "glossary.wsgi.application"
ASGI_APPLICATION = "glossary.asgi.application"



def database_from_url(url: str) -> dict:
    """The database at ``url``, set up to fail fast: an outage is a quick 503, never a hung worker."""
    database = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["OPTIONS"] = {
            # Seconds to wait for a connection (libpq's minimum is 2).
            "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")),
            # The server gives up on a statement after this many milliseconds (0: never); the
            # background task worker sets 0, its imports are bounded by the importer itself.
            "options": f"-c statement_timeout={int(os.environ.get('DATABASE_STATEMENT_TIMEOUT', '15000'))}",
            # An established connection whose server or network goes silent is dropped: unacknowledged
            # data after 5 s (tcp_user_timeout, ms), idle connections probed by TCP keepalives.
            "tcp_user_timeout": 5000,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            **database.get("OPTIONS", {}),
        }
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            # Readers never wait for the writer (WAL); a writer waits up to 5 s for another one,
            # and takes the write lock when its transaction begins, so two transactions never
            # deadlock upgrading a read lock.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 5,
            "transaction_mode": "IMMEDIATE",
            **database.get("OPTIONS", {}),
        }
    return database


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        # A Redis outage costs speed only (glossary.cache); a silent Redis costs at most this long.
        timeout = float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.25"))
        return {
            "BACKEND": "glossary.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith("file://"):
        # Shared by the processes of one machine (`make run`: gunicorn workers and the task worker).
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": url.removeprefix("file://")}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r} is not understood; use redis://host:port/db, file:///folder, locmem:// or dummy://."
    )


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}

# Background tasks (long imports from the admin): django-tasks with its database backend, so
# SQLite and PostgreSQL both work without another server; `manage.py db_worker` runs them
# (`make run` starts it beside gunicorn).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploads waiting in the admin import (kept in the database) are removed after this many hours.
IMPORT_JOB_HOURS = int(os.environ.get("GLOSSARY_IMPORT_JOB_HOURS", "24"))
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("GLOSSARY_IMPORT_MAX_UPLOAD_MB", "50"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# vis-network as pyvis ships it, served by us: graph pages must work offline (no CDN).
STATICFILES_DIRS = [
    ("vendor/vis-network", Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; development and tests serve the sources.
        "BACKEND": "glossary.storage.StaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests and `make run` serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"

# Content-Security-Policy (django-csp): scripts only from our own static files — no inline script
# anywhere (data reaches pages through json_script blocks, which are not run); styles may be
# inline because templates colour categories and relation types with style attributes and
# vis-network and Swagger UI style their elements; images may be data: URIs (vis-network, Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes an anonymous write a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "glossary.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_PARSER_CLASSES": ["glossary.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "glossary.api.schema.GlossaryAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "glossary.api.exceptions.exception_handler",
    # Scoped throttles (ScopedRateThrottle) count requests per client address in the cache.
    "DEFAULT_THROTTLE_RATES": {"auth-token": os.environ.get("API_TOKEN_THROTTLE_RATE", "10/minute")},
    "NUM_PROXIES": NUM_PROXIES or None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Glossary Graph API",
    "DESCRIPTION": "Read, search and edit a concept glossary whose terms are joined by typed relations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies without the read-only fields, PATCH bodies without required ones.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TermStatusEnum": "glossary.models.TermStatus",
        "LabelKindEnum": "glossary.models.LabelKind",
        "LabelSubkindEnum": "glossary.models.LabelSubkind",
        "NoteKindEnum": "glossary.models.NoteKind",
        "MappingKindEnum": "glossary.models.MappingKind",
        "ReferenceKindEnum": "glossary.models.ReferenceKind",
        "SkosMappingEnum": "glossary.models.SkosMapping",
    },
}

# The glossary's own language: a term's name is its preferred label in it (BCP 47 tag).
GLOSSARY_LANGUAGE = os.environ.get("GLOSSARY_LANGUAGE", "en")
# A concept with no preferred label in that language takes its name from the first of these it has
# one in (comma-separated tags, e.g. "fr,es"), else from its alphabetically first language.
GLOSSARY_NAME_FALLBACK = [tag.strip() for tag in os.environ.get("GLOSSARY_NAME_FALLBACK", "").split(",") if tag.strip()]

# Imports refuse larger files, and give up (writing nothing) after this many seconds.
GLOSSARY_IMPORT_MAX_BYTES = int(os.environ.get("GLOSSARY_IMPORT_MAX_BYTES", str(500 * 1024 * 1024)))
GLOSSARY_IMPORT_MAX_SECONDS = int(os.environ.get("GLOSSARY_IMPORT_MAX_SECONDS", "1800"))

# Whether `make run` (load_seed_if_empty) puts the seed glossary about LLMs into an empty database.
# Off, the glossary starts empty, for a vocabulary of one's own to be imported.
GLOSSARY_SEED = env_bool("GLOSSARY_SEED", default=True)

# Base URI of exported concepts that have no URI of their own (<base>terms/<slug>). Unset, web
# exports use the address the request came to; the command line asks for it.
GLOSSARY_BASE_URI = os.environ.get("GLOSSARY_BASE_URI", "")

# Served over HTTPS: on whenever DEBUG is off. `make run` turns it off (DJANGO_HTTPS=0) because it
# serves http://127.0.0.1:8000 to its own machine, where Secure cookies and redirects to https://
# would make signing in impossible; a real deploy keeps it on.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# A concept of a multilingual thesaurus has its labels in dozens of languages: the admin posts
# about 7 fields a label, so Django's default of 1,000 fields refused to save one with 140 labels.
# The request's size stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
