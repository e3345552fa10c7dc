"""Outgoing e-mail: queued in the database with the request, sent by a worker.

A request only adds rows to `outgoing_emails` (in its own transaction, so a
rolled-back request sends nothing and sending never slows a page). This module
holds the queue and how a queued row becomes a message; core/mail_sending.py is
the worker (`flask mail send`) that drains it.
"""

import enum
import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text, false, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms.validators import Email, ValidationError

from core.extensions import db
from core.models import str_enum, utcnow
from core.text import one_line


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    LOGGED = "logged"  # no SMTP configured: written to the log instead
    FAILED = "failed"


class OutgoingEmail(db.Model):
    __tablename__ = "outgoing_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    # The same message as HTML (templates/email/<name>.html), sent beside the text as
    # multipart/alternative; None for a message queued as text alone.
    html_body: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # Makes "send once" hold for things like reminders: a second enqueue is ignored.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(200))
    # Where the reader changes what they get (a page on SITE_URL): the List-Unsubscribe header.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
    # True when that address is a one-click unsubscribe link (RFC 8058) that takes a POST.
    list_unsubscribe_post: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[EmailStatus] = mapped_column(
        str_enum(EmailStatus, "email_status"), default=EmailStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    attachments: Mapped[list["EmailAttachment"]] = relationship(
        cascade="all, delete-orphan", order_by="EmailAttachment.id"
    )


class EmailAttachment(db.Model):
    __tablename__ = "email_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_id: Mapped[int] = mapped_column(ForeignKey("outgoing_emails.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


def queue_email(
    kind: str,
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    locale: str = "en",
    dedupe_key: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    list_unsubscribe: str | None = None,
    one_click: bool = False,
) -> OutgoingEmail | None:
    """Queue a message in the current transaction; None when `dedupe_key` was queued before."""
    if (
        dedupe_key is not None
        and db.session.execute(
            select(OutgoingEmail.id).where(OutgoingEmail.dedupe_key == dedupe_key)
        ).first()
    ):
        return None
    # The domain of MAIL_FROM's address ("Guildhall <guildhall@example.com>" gives
    # "example.com", without the display form's closing ">").
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "guildhall.local"
    email = OutgoingEmail(
        kind=kind, to_address=to, subject=subject, text_body=body, html_body=html,
        locale=locale,
        dedupe_key=dedupe_key, message_id=make_msgid(domain=domain),
        list_unsubscribe=list_unsubscribe, list_unsubscribe_post=one_click,
        attachments=[
            EmailAttachment(filename=name, content_type=content_type, data=data)
            for name, content_type, data in attachments
        ],
    )  # fmt: skip
    if dedupe_key is None:
        # Flushed with the rest of the transaction: a sign-up queues its confirmation
        # while it holds the event's row lock, and a savepoint is two more round trips.
        db.session.add(email)
        return email
    try:
        with db.session.begin_nested():  # two requests may race on one dedupe key
            db.session.add(email)
    except IntegrityError:
        return None
    return email


_NON_ASCII_ADDRESS = _l(
    "Enter a valid email address, with Latin letters before the @ (name@example.com)."
)


class MailAddress(Email):
    """A form's check of an address our mail can reach: an address whose part before
    the @ is not ASCII needs SMTPUTF8, which many relays lack, so the person would
    never get the confirmation link. Other mistakes get the usual message."""

    def __init__(self):
        super().__init__(check_deliverability=False, allow_smtputf8=False)

    def __call__(self, form, field):
        if not (field.data or "").rpartition("@")[0].isascii():
            raise ValidationError(_NON_ASCII_ADDRESS)
        super().__call__(form, field)


def header_value(text: str) -> str:
    """`text` for a header: a line break would start a header of its own or make
    the message impossible to build."""
    return one_line(text)


_ICALENDAR_METHOD = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def _attachment_params(content_type: str, data: bytes) -> dict[str, str]:
    """Content-Type parameters: our text attachments are UTF-8, and a calendar
    declares its iTIP method as RFC 6047 asks (the same as the file's METHOD)."""
    if not content_type.startswith("text/"):
        return {}
    params = {"charset": "utf-8"}
    if content_type == "text/calendar" and (method := _ICALENDAR_METHOD.search(data)):
        params["method"] = method.group(1).decode("ascii").upper()
    return params


def build_message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = header_value(current_app.config["MAIL_FROM"])
    message["To"] = header_value(email.to_address)
    message["Subject"] = header_value(email.subject)
    message["Message-ID"] = email.message_id
    # In UTC, said as such: "-0000" would mean "time zone unknown" (RFC 5322 3.3).
    message["Date"] = format_datetime(utcnow(), usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    if email.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{header_value(email.list_unsubscribe)}>"
        if email.list_unsubscribe_post:
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text_body)
    if email.html_body:  # multipart/alternative: the text first, the HTML the client prefers
        message.add_alternative(email.html_body, subtype="html")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype,
            filename=header_value(attachment.filename),
            params=_attachment_params(attachment.content_type, attachment.data),
        )  # fmt: skip
    # Last: set_content and add_attachment rewrite the Content-* headers.
    message["Content-Language"] = header_value(email.locale)
    return message
