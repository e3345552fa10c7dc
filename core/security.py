"""Security headers on every response, the production start-up checks, and safe
redirect targets."""

from urllib.parse import unquote, urlsplit

from flask import Flask, abort, request

from core.config import DEFAULT_SECRET_KEY, ConfigurationError
from core.site import settle_trusted_hosts

# No inline script anywhere: scripts come from our own static files only.
# Inline *styles* stay allowed for things like progress-bar widths.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class InsecureConfiguration(ConfigurationError):
    """The app would run in production with settings that are only safe for development."""


COOKIE_SECURE_SETTINGS = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")


def check_production_settings(app: Flask) -> None:
    """Settle what differs in production, then refuse to start with unsafe settings.

    Runs once the configuration is final, so it sees TESTING and DEBUG too."""
    secure_by_default = app.config["GUILDHALL_ENV"] == "production" and not (
        app.debug or app.testing
    )
    for name in COOKIE_SECURE_SETTINGS:
        # Left unset: cookies travel over HTTPS only in production, unless set false.
        if app.config.get(name) is None:
            app.config[name] = secure_by_default
    settle_trusted_hosts(app, production=secure_by_default)
    if app.debug or app.testing:
        return
    if app.config["GUILDHALL_ENV"] == "production" and (
        app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(app.config["SECRET_KEY"]) < 16
    ):
        raise InsecureConfiguration(
            "Refusing to start in production with the default or a short SECRET_KEY. "
            "Set SECRET_KEY to a long random value (or GUILDHALL_ENV=development for local use)."
        )


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        # Pages carry a person's name, tokens and private links: no shared cache
        # (a proxy, a CDN) may keep one and hand it to someone else.
        headers.setdefault("Cache-Control", "private, no-cache")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def register_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        # No field ever takes a NUL byte, and PostgreSQL text cannot store one:
        # refuse it here, once, instead of failing deep inside a query.
        if _has_nul(request.args.values()) or _has_nul(request.path):
            abort(400)
        if request.method == "POST" and (
            _has_nul(request.form.values())
            or _has_nul(file.filename or "" for file in request.files.values())
        ):
            abort(400)


# Longer targets are refused: a Location header that long breaks proxies (a 502), and no
# page of the site needs one.
MAX_REDIRECT_TARGET = 2000


def is_safe_redirect_target(target: str | None) -> bool:
    """True for a path on this site (`/communities/?kind=practice`), the only kind of
    `next` or referrer a redirect may follow.

    Browsers read `//host`, `////host`, `/\\host` and `\\\\host` as another site, and
    drop tabs and newlines before reading, so a target starts with one `/` followed by
    neither a slash nor a backslash, and holds no backslash or control character; once
    percent-decoded (as some proxies do) it must not start with two slashes either. It
    is at most MAX_REDIRECT_TARGET characters long.
    """
    if (
        not target
        or len(target) > MAX_REDIRECT_TARGET
        or "\\" in target
        or any(ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return False
    decoded = "".join(c for c in unquote(target) if c not in "\t\r\n")
    if not target.startswith("/") or decoded[:2] in ("//", "/\\"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_redirect_target(target: str | None, fallback: str | None) -> str | None:
    """`target` when it is a path on this site, otherwise `fallback`."""
    return target if is_safe_redirect_target(target) else fallback
