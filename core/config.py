"""Configuration: defaults, overridden by environment variables when the app is made."""

import math
import os
from datetime import timedelta
from pathlib import Path

import click

DEFAULT_SECRET_KEY = "dev-only-change-me"

# NAME=value lines in the instance folder, read for the variables the environment leaves
# unset. `make run` writes GUILDHALL_ENV=development there, so every `flask --app app …`
# in the checkout it made runs as the site it serves; a production host has no such file.
LOCAL_SETTINGS = "guildhall.env"


class ConfigurationError(click.ClickException):
    """A setting the app cannot start with. A ClickException, so that the `flask` command
    prints its one line ("Error: …") and exits non-zero instead of a traceback."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> list[str]:
    return [item.strip().lower() for item in value.split(",") if item.strip()]


def _environment_name(value: str) -> str:
    # Anything but these two would pass for "not production" and skip its checks.
    if value not in ("production", "development"):
        raise ConfigurationError(
            f"GUILDHALL_ENV must be production or development, not {value[:40]!r}."
        )
    return value


# name: (default, parser). Every one is documented in the README.
ENVIRONMENT = {
    "GUILDHALL_ENV": ("production", _environment_name),
    "SECRET_KEY": (DEFAULT_SECRET_KEY, str),
    "DATABASE_URL": (None, str),
    "ALLOWED_EMAIL_DOMAINS": (["example.com"], _list),
    "SEARCH_INDEX_DIR": (None, str),
    "UPLOAD_DIR": (None, str),
    "PUBLIC_FORM_RATE_LIMIT": ("10 per hour", str),
    "SEARCH_RATE_LIMIT": ("60 per minute", str),
    "REDIS_URL": (None, str),
    # Where computed figures are kept (core/figures.py): RedisCache, SimpleCache (one
    # process) or NullCache; chosen from REDIS_URL when not set.
    "FIGURES_CACHE_TYPE": (None, str),
    "FIGURES_CACHE_TIMEOUT": (600, int),
    "RATELIMIT_STORAGE_URI": ("memory://", str),
    "RATELIMIT_KEY_PREFIX": (None, str),
    "SIGNIN_RATE_LIMIT": ("10 per minute;50 per hour", str),
    # Per account: tries at "Change password" (each checks the current password).
    "PASSWORD_CHANGE_RATE_LIMIT": ("5 per 15 minutes;20 per day", str),
    "SIGNUP_RATE_LIMIT": ("5 per hour", str),
    "PASSWORD_RESET_RATE_LIMIT": ("5 per hour", str),
    "RESET_TOKEN_MAX_AGE": (3600, int),
    "CONFIRMATION_TOKEN_MAX_AGE": (48 * 3600, int),
    "CONFIRMATION_RESEND_RATE_LIMIT": ("3 per hour", str),
    "TRACKED_LINK_RATE_LIMIT": ("120 per minute", str),
    "ATTRIBUTION_DAYS": (30, int),
    # Books of one catalog a person (an employee, or an outside e-mail) may hold reserved.
    "RESERVATION_LIMIT_PER_PERSON": (3, int),
    # Conversations: posts and replies one person may write, site-wide (0: no limit).
    "POSTS_PER_MINUTE": (3, int),
    "POSTS_PER_DAY": (30, int),
    "REPLIES_PER_MINUTE": (6, int),
    "REPLIES_PER_DAY": (300, int),
    # Reports from different members that hide a post or reply until a leader decides.
    "REPORTS_TO_HIDE": (3, int),
    "AT_RISK_AFTER": (0.5, float),
    "AT_RISK_PACE": (0.8, float),
    # None: Secure in production, not in development or tests (core/security.py decides).
    "SESSION_COOKIE_SECURE": (None, _bool),
    "REMEMBER_COOKIE_SECURE": (None, _bool),
    # How long "Remember me" keeps a person signed in; its token is new at each use.
    "REMEMBER_COOKIE_DAYS": (30, int),
    # Without "Remember me": signed out after this long without a request, and this
    # long after signing in whatever the activity.
    "SESSION_IDLE_HOURS": (24, int),
    "SESSION_MAX_DAYS": (7, int),
    "SITE_URL": ("http://127.0.0.1:5000", str),
    # Host names the site answers to (Flask's setting); production: SITE_URL's host.
    "TRUSTED_HOSTS": (None, _list),
    "EVENT_REMINDER_HOURS": (24, int),
    "MAIL_FROM": ("Guildhall <guildhall@example.com>", str),
    "SMTP_HOST": (None, str),
    "SMTP_PORT": (25, int),
    "SMTP_USERNAME": (None, str),
    "SMTP_PASSWORD": (None, str),
    "SMTP_STARTTLS": (False, _bool),
    "SMTP_SSL": (False, _bool),
    # Seconds to wait on the mail server (connecting, each answer) before the batch stops.
    "SMTP_TIMEOUT": (10.0, float),
    "OIDC_ISSUER": (None, str),
    "OIDC_CLIENT_ID": (None, str),
    "OIDC_CLIENT_SECRET": (None, str),
    # Unset: "company account", in the page's language.
    "OIDC_PROVIDER_NAME": (None, str),
    # Seconds each call to the sign-in provider may take before it counts as unreachable.
    "OIDC_TIMEOUT": (10.0, float),
    "PASSWORD_SIGN_IN": (True, _bool),
    "BABEL_DEFAULT_LOCALE": ("en", str),
    "BABEL_DEFAULT_TIMEZONE": ("UTC", str),
    # Request bodies (Flask's own settings): refused with 413 before they are read.
    "MAX_CONTENT_LENGTH": (64 * 1024 * 1024, int),  # brief files are up to 20 MB each
    "MAX_SMALL_UPLOAD_SIZE": (4 * 1024 * 1024, int),  # a form with a cover or a CSV (2 MB)
    "MAX_POST_UPLOAD_SIZE": (9 * 1024 * 1024, int),  # a post with 4 images of 2 MB
    "MAX_FORM_MEMORY_SIZE": (500_000, int),  # one text field
    "MAX_FORM_PARTS": (1000, int),
    # Uploaded images (covers): refused from their header above this many pixels.
    "MAX_IMAGE_PIXELS": (16_000_000, int),  # covers are kept at 1200 px at most
    # How many reverse proxies in front set X-Forwarded-For / X-Forwarded-Proto (ProxyFix).
    "PROXY_FIX_X_FOR": (0, int),
    "PROXY_FIX_X_PROTO": (0, int),
}


LONGEST_DURATION = {"_DAYS": 36500, "_HOURS": 36500 * 24}


def _parsed(name: str, raw: str, parse):
    try:
        value = parse(raw)
    except ValueError:
        value = None
    if parse in (int, float) and not (value is not None and 0 <= value < math.inf):
        # Every number here is a size, a count or a duration: none is negative or endless.
        kind = "a whole number" if parse is int else "a number"
        raise ConfigurationError(f"{name} must be {kind}, 0 or more, not {raw[:40]!r}.")
    for unit, longest in LONGEST_DURATION.items():
        if name.endswith(unit) and value > longest:
            # Dates a century away and beyond overflow where they are added to today.
            raise ConfigurationError(f"{name} must be at most {longest}, not {raw[:40]!r}.")
    return value


def _unquoted(value: str) -> str:
    # NAME="a b" and NAME='a b' mean a b, as in a shell or a .env file.
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def local_settings(path: Path) -> dict[str, str]:
    """The NAME=value lines of the instance folder's settings file (none: {})."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path} must be a UTF-8 text file of NAME=value lines.") from None
    except OSError as error:
        raise ConfigurationError(f"{path} cannot be read: {error.strerror}.") from None
    settings = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        if not equals or name not in ENVIRONMENT:
            # Only the name is repeated: the value may be a password.
            raise ConfigurationError(f"{path}, line {number}: expected NAME=value with a "
                                     f"setting the README lists, not {name[:40]!r}.")  # fmt: skip
        settings[name] = _unquoted(value.strip())
    return settings


def from_environment(instance_path: str, local_file: bool = True) -> dict:
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'guildhall.sqlite'}",
        "SEARCH_INDEX_DIR": str(Path(instance_path) / "search-index"),
        "UPLOAD_DIR": str(Path(instance_path) / "uploads"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "LANGUAGES": ["en", "uk"],
        "WTF_CSRF_TIME_LIMIT": None,  # forms stay valid for the session, so long drafts survive
        "PASSWORD_HASH_METHOD": "scrypt",
    }
    local = local_settings(Path(instance_path) / LOCAL_SETTINGS) if local_file else {}
    for name, (default, parse) in ENVIRONMENT.items():
        raw = os.environ.get(name, local.get(name))
        value = _parsed(name, raw, parse) if raw is not None else default
        if value is not None or name.endswith("_COOKIE_SECURE"):
            config[name] = value
    # State shared by every process lives in Redis when there is one: rate-limit counters.
    if config.get("REDIS_URL") and "RATELIMIT_STORAGE_URI" not in os.environ:
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    if database_url := config.pop("DATABASE_URL", None):
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=config.pop("REMEMBER_COOKIE_DAYS"))
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config.pop("SESSION_IDLE_HOURS"))
    if config["REMEMBER_COOKIE_SECURE"] is None:
        config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    return config


def figures_cache_config(config) -> dict:
    """Flask-Caching's settings for the figures cache (core/figures.py).

    Redis when there is one. Without it nothing is kept: a figure kept in one process's
    memory would not hear of changes made by another (a second worker, a CLI job). The
    tests, one process, keep figures in memory.
    """
    kind = config.get("FIGURES_CACHE_TYPE")
    if not kind:
        if config.get("REDIS_URL"):
            kind = "RedisCache"
        elif config.get("TESTING"):
            kind = "SimpleCache"
        else:
            kind = "NullCache"
    settings = {"CACHE_TYPE": kind, "CACHE_KEY_PREFIX": "guildhall:figures:",
                "CACHE_DEFAULT_TIMEOUT": config.get("FIGURES_CACHE_TIMEOUT", 600)}  # fmt: skip
    if kind == "RedisCache":
        settings["CACHE_REDIS_URL"] = config["REDIS_URL"]
    elif kind == "SimpleCache":
        settings["CACHE_THRESHOLD"] = 5000
    elif kind == "NullCache":
        settings["CACHE_NO_NULL_WARNING"] = True  # chosen on purpose, see above
    return settings
