"""The one settings module. Every value that differs between environments comes
from an environment variable (see .env.example)."""

from pathlib import Path

from practica.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("PRACTICA_DEBUG", default=False)
# A development key is allowed only when DEBUG is on; production must set one.
SECRET_KEY = env_str(
    "PRACTICA_SECRET_KEY",
    "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop" if DEBUG else None,
)
ALLOWED_HOSTS = env_list("PRACTICA_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "practica.core",
    "practica.accounts",
    "practica.tenancy",
    "practica.audit",
    "practica.patients",
    "practica.scheduling",
    "practica.charting",
    "practica.outcomes",
    "practica.documents",
    "practica.labs",
    "practica.plans",
    "practica.intake",
    "practica.search",
    "practica.billing",
    "practica.reports",
    "practica.fhir",
    "practica.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "practica.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "practica.tenancy.middleware.ClinicMiddleware",
]

ROOT_URLCONF = "practica.config.urls"
WSGI_APPLICATION = "practica.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "practica.tenancy.context_processors.clinic",
            ],
        },
    },
]

DATABASE_URL = env_str("PRACTICA_DATABASE", "sqlite")
if DATABASE_URL == "sqlite":
    DATABASES: dict[str, dict[str, object]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str(
                "PRACTICA_SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")
            ),
            # IMMEDIATE transactions take the write lock at BEGIN, so concurrent
            # writers are serialised instead of failing half-way (double booking,
            # invoice numbers and the audit chain rely on this on SQLite).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": env_str("PRACTICA_SQLITE_TEST_PATH", "") or None},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("PRACTICA_PG_NAME", "practica"),
            "USER": env_str("PRACTICA_PG_USER", "postgres"),
            "PASSWORD": env_str("PRACTICA_PG_PASSWORD", ""),
            "HOST": env_str("PRACTICA_PG_HOST", "127.0.0.1"),
            "PORT": env_str("PRACTICA_PG_PORT", "5432"),
            "CONN_MAX_AGE": env_int("PRACTICA_PG_CONN_MAX_AGE", 60),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Django's default PBKDF2-SHA256 hasher: FIPS-approved.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Patient documents: AES-256-GCM keys, "keyid:base64key,..." (32 random bytes
# each; the first encrypts, every one listed can decrypt; see
# practica/documents/encryption.py). A fixed development key is allowed only
# when DEBUG is on; production must set its own.
DOCUMENT_KEYS = env_str(
    "PRACTICA_DOCUMENT_KEYS",
    "dev1:ZGV2LW9ubHktZG9jdW1lbnQta2V5LTMyLWJ5dGVzISE=" if DEBUG else None,
)
DOCUMENTS_MAX_UPLOAD_BYTES = env_int("PRACTICA_DOCUMENTS_MAX_BYTES", 20 * 1024 * 1024)

# Outgoing email (invoices, receipts, statements): SMTP to PRACTICA_EMAIL_HOST
# (a local relay on localhost when unset in production). In development
# without a host, one file per message under var/mail/ instead (never the
# console: the messages carry health information).
EMAIL_HOST = env_str("PRACTICA_EMAIL_HOST", "")
EMAIL_PORT = env_int("PRACTICA_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("PRACTICA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("PRACTICA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PRACTICA_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("PRACTICA_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str(
    "PRACTICA_DEFAULT_FROM_EMAIL", "Practica <no-reply@localhost>"
)
if DEBUG and not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"

# Failed log-ins before an account is locked, and for how long.
LOGIN_MAX_FAILURES = env_int("PRACTICA_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("PRACTICA_LOGIN_LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "en-ca"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

_secure = env_bool("PRACTICA_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

OTP_TOTP_ISSUER = "Practica"

# Logs carry ids, never names or other health information.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("PRACTICA_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Online card payments through Stripe. A blank secret key turns them off:
# billing pages then say they are not set up and offer nothing.
STRIPE_SECRET_KEY = env_str("PRACTICA_STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("PRACTICA_STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env_str("PRACTICA_STRIPE_API_BASE", "https://api.stripe.com")
# The stripe library narrates every request at INFO.
LOGGING["loggers"]["stripe"] = {"level": "WARNING"}  # type: ignore[index]  # the dict literal above
