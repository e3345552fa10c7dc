"""What one request may bring: its body, its form."""

from flask import Flask, Request, current_app


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
