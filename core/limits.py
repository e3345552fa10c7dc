"""What one request may bring (its body, its form) and whom it comes from behind a proxy."""

from collections.abc import Callable

from flask import Flask, Request, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from core.site import register_host_check


def accepts_files(setting: str = "MAX_CONTENT_LENGTH") -> Callable:
    """Marks a view whose form takes files: its body may be as large as the setting
    `setting` says (and never more than MAX_CONTENT_LENGTH). Put it right under the route."""

    def mark(view: Callable) -> Callable:
        view.upload_limit_setting = setting
        return view

    return mark


class BoundedRequest(Request):
    """A request whose body is refused (413) from its Content-Length, before it is read.

    Only views marked with `accepts_files` take files (multipart), up to their setting.
    Any other body, whatever its Content-Type, may be no larger than one form field
    (MAX_FORM_MEMORY_SIZE): the client chooses the Content-Type, not the view.
    """

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self._max_content_length is not None:
            return limit
        config = current_app.config
        body_limit = config.get("MAX_FORM_MEMORY_SIZE")
        if self.takes_files:
            body_limit = config.get(self.upload_limit_setting)
        return body_limit if limit is None else min(limit, body_limit or limit)

    @property
    def upload_limit_setting(self) -> str | None:
        """The setting that bounds this view's uploads; None for a view without files."""
        view = current_app.view_functions.get(self.endpoint) if self.url_rule else None
        return getattr(view, "upload_limit_setting", None)

    @property
    def takes_files(self) -> bool:
        return bool(self.upload_limit_setting) and self.mimetype == "multipart/form-data"

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def register_request_limits(app: Flask) -> None:
    app.request_class = BoundedRequest
    register_host_check(app)
    # Behind reverse proxies, the client's address is the one the nearest PROXY_FIX_X_FOR
    # of them saw; the rate limits count per address, so they count the real client.
    # With 0 (no proxy) X-Forwarded-For is ignored: anyone could write it.
    x_for, x_proto = app.config["PROXY_FIX_X_FOR"], app.config["PROXY_FIX_X_PROTO"]
    if x_for or x_proto:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=0)
