"""What one request may bring (its body, its form) and whom it comes from behind a proxy."""

from flask import Flask, Request, current_app
from werkzeug.middleware.proxy_fix import ProxyFix


class BoundedRequest(Request):
    """A request whose body is refused (413) from its Content-Length, before it is read.

    File uploads (multipart) may be up to MAX_CONTENT_LENGTH. Any other body is read
    into memory whole, so it may be no larger than one form field (MAX_FORM_MEMORY_SIZE).
    """

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self._max_content_length is not None or self.mimetype == "multipart/form-data":
            return limit
        text_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
        return text_limit if limit is None else min(limit, text_limit or limit)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def register_request_limits(app: Flask) -> None:
    app.request_class = BoundedRequest
    # Behind reverse proxies, the client's address is the one the nearest PROXY_FIX_X_FOR
    # of them saw; the rate limits count per address, so they count the real client.
    # With 0 (no proxy) X-Forwarded-For is ignored: anyone could write it.
    x_for, x_proto = app.config["PROXY_FIX_X_FOR"], app.config["PROXY_FIX_X_PROTO"]
    if x_for or x_proto:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=0)
