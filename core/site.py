"""The site's own address (SITE_URL): links that leave the site, and the hosts it answers to.

A link in e-mail is never built from the request's Host header, which anyone can
write (a reset requested with `Host: attacker.example` would mail the attacker's
address). Every mail builds its links with `external_url(endpoint, **values)`,
in a request or in a CLI job alike; `email_user` renders templates inside
`site_context()`, where `url_for(..., _external=True)` does the same.
"""

from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError
from werkzeug.routing import MapAdapter


def site_url_adapter() -> MapAdapter:
    """URLs of this app as served at SITE_URL."""
    site = urlsplit(current_app.config["SITE_URL"])
    return current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )


@contextmanager
def site_context():
    """Inside it, `url_for(..., _external=True)` gives SITE_URL's links, whatever the Host."""
    if not has_request_context():
        with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
            yield
        return
    context = request_ctx._get_current_object()
    kept = context.url_adapter
    context.url_adapter = site_url_adapter()
    try:
        yield
    finally:
        context.url_adapter = kept


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page, for e-mail (and anything else read off the site)."""
    with site_context():
        return url_for(endpoint, _external=True, **values)


def settle_trusted_hosts(app: Flask, production: bool) -> None:
    """In production the site answers only to SITE_URL's host unless TRUSTED_HOSTS says
    otherwise; a request for another host gets a 400 (core/errors.py)."""
    if app.config.get("TRUSTED_HOSTS") is None and production:
        host = urlsplit(app.config["SITE_URL"]).hostname
        if not host:
            raise ValueError(
                f"SITE_URL must be the site's full address, such as "
                f"https://guildhall.example.com, not {app.config['SITE_URL']!r}"
            )
        app.config["TRUSTED_HOSTS"] = [host]


def _port_is_the_sites(host: str) -> bool:
    port = urlsplit(f"//{host}").port
    site = urlsplit(current_app.config["SITE_URL"])
    return port in (None, 80, 443, site.port)


def refuse_untrusted_host() -> None:
    """Flask finds a Host outside TRUSTED_HOSTS while routing but raises it only at
    dispatch, after the before_request hooks: this one, run first, raises it before any
    other hook reads the request (and fails its own way, with no links to build).

    Flask's check ignores the port: a trusted name on a port other than SITE_URL's
    (or 80 and 443, where a proxy may write them) is refused here too."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception
    if current_app.config.get("TRUSTED_HOSTS") and not _port_is_the_sites(request.host):
        raise SecurityError(f"Host {request.host!r} is not on the site's port.")


class NormalHost:
    """WSGI middleware: `Host: Guildhall.Example.COM.` is the same site as
    `guildhall.example.com` (host names ignore case, and a trailing dot only says the
    name is complete), so the header is lowercased and the dot dropped before Flask
    checks it against TRUSTED_HOSTS."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if host := environ.get("HTTP_HOST"):
            name, colon, port = host.lower().rpartition(":")
            if not colon or "]" in port:  # no port (an IPv6 address has colons of its own)
                name, colon, port = host.lower(), "", ""
            environ["HTTP_HOST"] = name.rstrip(".") + colon + port
        return self.wsgi_app(environ, start_response)


def register_host_check(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
    app.wsgi_app = NormalHost(app.wsgi_app)
