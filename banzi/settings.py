"""Banzi settings.

Everything that differs between a developer's machine and production comes from the environment:
BANZI_ENV (development | production), SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, BANZI_HTTPS.
"""
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

ENV = os.environ.get("BANZI_ENV", "development")
PRODUCTION = ENV == "production"
DEBUG = os.environ.get("BANZI_DEBUG", "0" if PRODUCTION else "1") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
    SECRET_KEY = "banzi-development-only-key-never-use-in-production-0123456789abcdef"

# Keys of the commercial cryptography (banzi/core/crypto.py). BANZI_DATA_KEYS is "<id>:<32 hex digits>", several
# separated by commas: the first seals, all open (rotation). BANZI_INDEX_KEY (blind indexes) and BANZI_AUDIT_KEY
# (the audit chain) are 32+ hex digits each. Production refuses to start without them; a developer's machine
# derives fixed keys that must never be used in production.
def _hex_key(name, development_default):
    value = os.environ.get(name, "").strip()
    if not value:
        if PRODUCTION:
            raise ImproperlyConfigured(f"{name} must be set in the environment in production.")
        return bytes.fromhex(development_default)
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be hexadecimal.") from None
    if len(key) < 16:
        raise ImproperlyConfigured(f"{name} must be at least 16 bytes (32 hex digits).")
    return key


_data_keys_text = os.environ.get("BANZI_DATA_KEYS", "").strip()
if not _data_keys_text:
    if PRODUCTION:
        raise ImproperlyConfigured("BANZI_DATA_KEYS must be set in the environment in production.")
    _data_keys_text = "dev1:000102030405060708090a0b0c0d0e0f"
from banzi.core.crypto import parse_keys  # noqa: E402  (after the environment is read)

BANZI_DATA_KEYS = parse_keys(_data_keys_text)
BANZI_INDEX_KEY = _hex_key("BANZI_INDEX_KEY", "101112131415161718191a1b1c1d1e1f101112131415161718191a1b1c1d1e1f")
BANZI_AUDIT_KEY = _hex_key("BANZI_AUDIT_KEY", "202122232425262728292a2b2c2d2e2f202122232425262728292a2b2c2d2e2f")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "banzi.core",
    "banzi.accounts",
    "banzi.org",
    "banzi.study",
    "banzi.training",
    "banzi.practice",
    "banzi.governance",
    "banzi.talks",
    "banzi.conduct",
    "banzi.tasks",
    "banzi.assessment",
    "banzi.reports",
    "banzi.reserves",
    "banzi.cadres",
    "banzi.dashboard",
    "banzi.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "banzi.accounts.sessions.IdleSessionMiddleware",
    # The second factor before anything else, the forced password change included.
    "banzi.accounts.otp.SecondFactorMiddleware",
    "banzi.accounts.sessions.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records refusals (403, 404 on a record outside the user's scope), refused forms and exports; before the
    # separation of the administrators, so that their refusals are recorded too.
    "banzi.core.audit_middleware.AuditMiddleware",
    # The three separated administrators (三员分立): no page or API outside their duties.
    "banzi.core.separation.SeparationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A file answer sets a fresh random cookie, so that the page ends its busy state (core/downloads.py).
    "banzi.core.downloads.DownloadCookieMiddleware",
]

ROOT_URLCONF = "banzi.urls"
WSGI_APPLICATION = "banzi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "banzi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "banzi.core.context_processors.navigation",
                "banzi.core.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database under concurrent writers: a transaction takes the write lock when it begins
    # (IMMEDIATE), so that one which read first never fails to upgrade with "database is locked" but waits
    # up to `timeout` seconds; WAL lets readers go on while one writes (tests/core/test_sqlite.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation: PostgreSQL compiles a query whose estimated cost passes `jit_above_cost`,
    # which the figures' grouped queries do at province scale, and compiling took 100–400 ms for queries
    # that run in 100 ms (bench/README.md). A JIT setting given in DATABASE_URL's options is kept.
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in db_options.get("options", ""):
        db_options["options"] = f"{db_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = ["banzi.accounts.backends.LockoutModelBackend"]

# Identification and authentication (GB/T 22239-2019 8.1.4.1 a–c): passwords, sessions, API tokens and the limits
# on guessing. Every value from the environment; see banzi/accounts/passwords.py, sessions.py, tokens.py, lockout.py
# and banzi/core/net.py.
BANZI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("BANZI_PASSWORD_MAX_AGE_DAYS", "90"))  # 0: passwords never expire
BANZI_PASSWORD_HISTORY = int(os.environ.get("BANZI_PASSWORD_HISTORY", "5"))  # none of the last 5 again; 0: no check
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("BANZI_PASSWORD_MIN_LENGTH", "8"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "banzi.accounts.validators.CharacterClassValidator"},
    {"NAME": "banzi.accounts.validators.PasswordHistoryValidator"},
]
# Pages a user who must change their password may still open (URL names), besides the change itself and signing out.
# The public phone voting page: a code opens it, not the account (see banzi/assessment/voting.py).
BANZI_PASSWORD_CHANGE_EXEMPT_URL_NAMES = ["assessment:vote", "assessment:vote_thanks"]
BANZI_BALLOT_CODE_MAX_FAILURES_PER_IP = int(os.environ.get("BANZI_BALLOT_CODE_MAX_FAILURES_PER_IP", "10"))
# Sessions end after BANZI_SESSION_IDLE_MINUTES without a request, and BANZI_SESSION_MAX_HOURS after signing in.
BANZI_SESSION_IDLE_MINUTES = int(os.environ.get("BANZI_SESSION_IDLE_MINUTES", "30"))
BANZI_SESSION_MAX_HOURS = int(os.environ.get("BANZI_SESSION_MAX_HOURS", "8"))
SESSION_COOKIE_AGE = BANZI_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# A picker with more options than this (a province's people or units) loads them from the server as the user
# types (core/pickers.py); up to it every option is in the page, searched there by label and pinyin.
BANZI_PICKER_REMOTE_OVER = int(os.environ.get("BANZI_PICKER_REMOTE_OVER", "1000"))
BANZI_TOKEN_HOURS = int(os.environ.get("BANZI_TOKEN_HOURS", "12"))  # an API token's life from its issue
# 5 failed sign-ins lock an account for 30 minutes; 20 failures from one client address within those 30 minutes
# refuse that address (any username). Login page and token endpoint share the counts.
BANZI_LOGIN_MAX_FAILURES = int(os.environ.get("BANZI_LOGIN_MAX_FAILURES", "5"))
BANZI_LOGIN_LOCK_MINUTES = int(os.environ.get("BANZI_LOGIN_LOCK_MINUTES", "30"))
BANZI_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("BANZI_LOGIN_MAX_FAILURES_PER_IP", "20"))
# Our reverse proxies (nginx): addresses or networks, comma-separated. Only through them is X-Forwarded-For read
# for the client's address (audit trail, limits, throttles); none by default, so REMOTE_ADDR is the client.
BANZI_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("BANZI_TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in BANZI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"BANZI_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from None

# Second factor (GB/T 22239-2019 8.1.4.1 d): TOTP devices and single-use recovery codes of django-otp
# (banzi/accounts/otp.py). The roles that must sign in with it (role values, comma-separated); other users may
# enrol and then must use it too. Wrong codes lock the device for 1, 2, 4, 8 … seconds times the factor.
BANZI_SECOND_FACTOR_ROLES = [
    r.strip() for r in os.environ.get(
        "BANZI_SECOND_FACTOR_ROLES", "system_admin,security_admin,auditor,county_admin").split(",") if r.strip()
]
BANZI_RECOVERY_CODES = int(os.environ.get("BANZI_RECOVERY_CODES", "10"))
OTP_TOTP_ISSUER = os.environ.get("BANZI_OTP_ISSUER", "Banzi")
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("BANZI_OTP_THROTTLE_FACTOR", "1"))
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "banzi" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploads: whole requests stay small; each upload is checked by content and size where it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
BANZI_IMPORT_MAX_BYTES = int(os.environ.get("BANZI_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
BANZI_IMPORT_MAX_ROWS = int(os.environ.get("BANZI_IMPORT_MAX_ROWS", 5000))
BANZI_UPLOAD_MAX_BYTES = int(os.environ.get("BANZI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# Zipped uploads (.xlsx, .docx, .pptx) are refused before they are read if they would unpack to more than
# this, or to more than this many times their own size (a zip bomb); real files unpack to 3–20 times.
BANZI_IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("BANZI_IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024))
BANZI_IMPORT_MAX_UNPACKED_RATIO = int(os.environ.get("BANZI_IMPORT_MAX_UNPACKED_RATIO", 100))

# Audit trail (GB/T 22239-2019 8.1.4.3): events are kept at least 180 days (a system check refuses less);
# `manage.py archive_audit` exports older ones to a sealed file before they may go.
# Background jobs (banzi/jobs): kept in the database and run by `manage.py run_jobs`, so a county needs no
# other server. BANZI_TASKS_BACKEND=immediate runs each job inside the request that starts it (the tests).
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[os.environ.get("BANZI_TASKS_BACKEND", "database")]}}
# A running job whose heartbeat is older than this is taken as interrupted (its worker restarted): failed.
BANZI_JOB_STALE_SECONDS = int(os.environ.get("BANZI_JOB_STALE_SECONDS", "600"))
# A finished job's file (an export, a bulletin) is kept this long for its download, then deleted.
BANZI_JOB_FILE_HOURS = int(os.environ.get("BANZI_JOB_FILE_HOURS", "24"))
# A list export with more rows than this runs as a background job with a download link.
BANZI_EXPORT_JOB_ROWS = int(os.environ.get("BANZI_EXPORT_JOB_ROWS", "5000"))

# The home page's figures are kept per user for this many seconds while nothing is written (any committed
# write computes them afresh; see banzi/core/metrics.py); 0 computes them on every request. Each process keeps
# its own copy, so several app servers need no shared cache.
BANZI_FIGURES_SECONDS = int(os.environ.get("BANZI_FIGURES_SECONDS", "60"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures",
                "OPTIONS": {"MAX_ENTRIES": 2000}},
}

BANZI_AUDIT_RETENTION_DAYS = int(os.environ.get("BANZI_AUDIT_RETENTION_DAYS", "180"))

CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    HTTPS = os.environ.get("BANZI_HTTPS", "1") == "1"
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS
    SECURE_SSL_REDIRECT = HTTPS and os.environ.get("BANZI_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("BANZI_HSTS_SECONDS", "31536000")) if HTTPS else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    SECURE_HSTS_PRELOAD = HTTPS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (django-csp): scripts only from the app's own static files, so
# an injected <script> or on*= handler never runs; no inline script anywhere (data reaches scripts through
# json_script and data- attributes), no eval. Styles: <style> elements and style sheets only from the app
# ('self'); style *attributes* are allowed (style-src-attr) because ECharts writes its tooltips and SVG
# with inline style attributes and a few templates set a bar's width or a colour swatch that way; styles
# cannot run script. The API docs (Swagger UI, Redoc) add what they need in core/api_urls.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# The page of a refused CSRF check, like the other error pages (banzi/urls.py), in the user's language.
CSRF_FAILURE_VIEW = "banzi.core.error_views.csrf_failure"

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated request gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "banzi.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "banzi.core.separation.WithinDuties"],
    "DEFAULT_PAGINATION_CLASS": "banzi.core.api_settings.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "banzi.core.api_settings.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Banzi API",
    "DESCRIPTION": "Banzi REST API. Authenticate with the browser session, or obtain a token with "
    "`POST /api/v1/auth/token/` (`username`, `password`) and send it as `Authorization: Token <token>`. "
    "The token is shown once and lives 12 hours (BANZI_TOKEN_HOURS), until `POST /api/v1/auth/logout/`, "
    "a password change or \"sign out everywhere\"; then the answer is 401 and a new token is obtained. "
    "Too many failed sign-ins lock the account (400, code `locked`) or refuse the client address (429, code "
    "`too_many_attempts`); a user who must change their password first gets 403 (code `password_change_required`). "
    "Every list is paginated (`page`, `page_size`) and takes the same filters as the list page; records "
    "outside the user's organizations answer 404. Errors answer with an object whose keys are field names, "
    "`non_field_errors` or `detail`, each a list of `{\"message\": ..., \"code\": ...}`; match the stable `code` "
    "(the rules' codes are listed in banzi/core/errors.py), not the translated message.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "banzi.core.api_settings.document_errors"],
    # Tags and operation ids come from the path after /api/v1/: `org`, `org_cadres_list`, …
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "TAGS": [
        {"name": "auth", "description": "API tokens: obtain one (it expires) and revoke it"},
        {"name": "me", "description": "The signed-in user: role, scope and own cadre record"},
        {"name": "core", "description": "The rules, the working-day calendar and the audit trail"},
        {"name": "org", "description": "Registry: organizations, village designations, cadres, positions, "
         "leadership teams and memberships"},
        {"name": "study", "description": "Group study sessions, personal study records and the nine lead-by-example duties"},
        {"name": "training", "description": "Training programs, sessions, lecturers, attendance, hours and training needs"},
        {"name": "practice", "description": "Frontline postings, rectification working groups, enterprise service, "
         "mentoring pairs and study visits"},
        {"name": "governance", "description": "Meetings, agenda items and decisions, organizational-life compliance "
         "and democratic life meetings"},
        {"name": "talks", "description": "Heart-to-heart talks, talk plans and coverage"},
        {"name": "conduct", "description": "Discipline, commitments and declarations, leave, outing reports, "
         "overnight duty and attendance"},
        {"name": "tasks", "description": "Work lists, tasks, 13710 supervised items, inspections, problems and bulletins"},
    ],
    # One name per choice set: Education serves two fields, and generic names such as Kind or
    # Status would collide as more apps publish their models.
    "ENUM_NAME_OVERRIDES": {
        "EducationEnum": "banzi.org.models.Cadre.Education",
        "CadreStatusEnum": "banzi.org.models.Cadre.Status",
        "CadreRankEnum": "banzi.org.models.Cadre.Rank",
        "OrganizationKindEnum": "banzi.org.models.Organization.Kind",
        "VillageDesignationCategoryEnum": "banzi.org.models.VillageDesignation.Category",
        "LeaveKindEnum": "banzi.conduct.models.LeaveKind",
        "LeaveLedgerKindEnum": "banzi.conduct.models.LeaveLedgerEntry.Kind",
        "MeetingKindEnum": "banzi.governance.models.MeetingKind",
        "AgendaItemOutcomeEnum": "banzi.governance.models.AgendaItem.Outcome",
        "TaskReviewOutcomeEnum": "banzi.tasks.models.TaskReview.Outcome",
        "RuleSettingTypeEnum": "banzi.core.rules.SETTING_TYPES",
        "RoleEnum": "banzi.core.roles.Role",
        "ProblemStatusEnum": "banzi.tasks.models.Problem.Status",
        "UserScopeLevelEnum": "banzi.accounts.api.SCOPE_LEVELS",
        "AuditOutcomeEnum": "banzi.core.models.AuditEvent.Outcome",
        "AssessmentGradeEnum": "banzi.assessment.models.Grade",
        "ReserveExitReasonEnum": "banzi.reserves.models.ReserveEntry.ExitReason",
    },
    # Docs are served offline: assets from the sidecar package, no online validator badge.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

FILTERS_EMPTY_CHOICE_LABEL = _("All")
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-vcenter card-table table-striped"}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_ENABLED = True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
