"""Outgoing e-mail: queued in the database with the request, sent by a worker.

A request only adds rows to `outgoing_emails` (in its own transaction, so a
rolled-back request sends nothing and sending never slows a page). `flask mail
send` drains the queue: each message is claimed by one worker with a
conditional UPDATE, sent over SMTP, and marked sent. Without SMTP settings
the messages are written to the log instead and stay readable on the admin
page. A stable Message-ID lets the receiving side drop a duplicate if a
worker dies between the SMTP answer and marking the message sent.
"""

import enum
import logging
import re
import smtplib
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms.validators import Email, ValidationError

from core.commands import lock_row
from core.extensions import db
from core.models import str_enum, utcnow
from core.text import one_line

logger = logging.getLogger("guildhall.mail")
CLAIM_LEASE = timedelta(minutes=10)  # a claim older than this belonged to a worker that died
MAX_ATTEMPTS = 5


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
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # Makes "send once" hold for things like reminders: a second enqueue is ignored.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(200))
    # Where the reader changes what they get (a page on SITE_URL): the List-Unsubscribe header.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
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
    locale: str = "en",
    dedupe_key: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    list_unsubscribe: str | None = None,
) -> OutgoingEmail | None:
    """Queue a message in the current transaction; None when `dedupe_key` was queued before."""
    if (
        dedupe_key is not None
        and db.session.execute(
            select(OutgoingEmail.id).where(OutgoingEmail.dedupe_key == dedupe_key)
        ).first()
    ):
        return None
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "guildhall.local"
    email = OutgoingEmail(
        kind=kind, to_address=to, subject=subject, text_body=body, locale=locale,
        dedupe_key=dedupe_key, message_id=make_msgid(domain=domain),
        list_unsubscribe=list_unsubscribe,
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
    message.set_content(email.text_body)
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


def _claim(email_id: int) -> bool:
    """Take the message for this worker; False when another worker has it."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingEmail)
        .where(
            OutgoingEmail.id == email_id,
            (OutgoingEmail.status == EmailStatus.QUEUED)
            | (
                (OutgoingEmail.status == EmailStatus.SENDING)
                & (OutgoingEmail.claimed_at < now - CLAIM_LEASE)
            ),
        )
        .values(status=EmailStatus.SENDING, claimed_at=now, attempts=OutgoingEmail.attempts + 1)
    ).rowcount
    db.session.commit()
    return claimed == 1


class ServerTrouble(Exception):
    """The mail server, or the way to it, failed rather than one message.

    Connecting, EHLO, STARTTLS, AUTH, our sender refused (MAIL FROM), a dropped
    connection: every message would meet the same, so the batch stops, the
    messages stay queued without an attempt counted, and the next run tries again.
    """


def _smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _connect() -> smtplib.SMTP:
    """One connection for a batch, greeted, secured and signed in; ServerTrouble if not."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["SMTP_SSL"] else smtplib.SMTP
    try:
        smtp = smtp_class(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    except (OSError, smtplib.SMTPException) as failure:
        raise ServerTrouble(_error_text(failure)) from failure
    try:
        smtp.ehlo_or_helo_if_needed()
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
            smtp.ehlo()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    except (OSError, smtplib.SMTPException) as failure:
        smtp.close()
        raise ServerTrouble(_error_text(failure)) from failure
    return smtp


def _hang_up(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _error_text(failure: Exception) -> str:
    return f"{type(failure).__name__}: {failure}"[:2000]


def _send(smtp: smtplib.SMTP, message: EmailMessage) -> tuple[str | None, bool]:
    """(None, _) when the server took the message, (error, retry?) when it refused
    this message alone; ServerTrouble when the server failed.

    Only a refusal of the message itself (its recipients, its data, or an address
    that needs SMTPUTF8 from a server without it) belongs to the message; a 4xx
    for it is worth another try later, a 5xx would only happen again.
    """
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as failure:
        return _error_text(failure), any(code < 500 for code, _ in failure.recipients.values())
    except smtplib.SMTPDataError as failure:
        return _error_text(failure), failure.smtp_code < 500
    except smtplib.SMTPNotSupportedError as failure:  # SMTPUTF8: the only one in send_message
        return _error_text(failure), False
    except (OSError, smtplib.SMTPException) as failure:  # MAIL FROM refused, dropped, ...
        raise ServerTrouble(_error_text(failure)) from failure
    except Exception as failure:  # e.g. a header that cannot be encoded
        return _error_text(failure), False
    return None, True


def _attempt(email: OutgoingEmail, smtp: smtplib.SMTP | None) -> tuple[str | None, bool]:
    """Build and send (or log) one message: (None, _) when it went, else (error, retry?).

    Whatever one message does wrong is its own outcome: the queue goes on.
    """
    try:
        message = build_message(email)
    except SQLAlchemyError:
        raise  # the database, not the message: the worker stops and is restarted
    except Exception as failure:
        return _error_text(failure), False  # it would not build next time either
    if smtp is None:
        logger.info("e-mail not sent (no SMTP configured):\n%s", message.as_string())
        return None, True
    return _send(smtp, message)


def _give_back(email_id: int, error: str) -> None:
    """The server failed while this message was in hand: queued again, attempt not counted."""
    email = lock_row(OutgoingEmail, email_id)
    email.status, email.claimed_at = EmailStatus.QUEUED, None
    email.attempts = max(email.attempts - 1, 0)
    email.last_error = error
    db.session.commit()


def send_queued(limit: int = 100) -> dict[str, int]:
    """Send (or log) up to `limit` waiting messages; returns how many went which way.

    The batch goes over one SMTP connection. A message that cannot be built or
    that the server refuses for good is marked failed with its error at once;
    the others still go. The server's passing refusals of a message are retried,
    up to MAX_ATTEMPTS times. When the server itself fails (see ServerTrouble)
    the batch stops with one error in the log, and every message stays queued
    with its attempts as they were, for the next run.
    """
    counts = {"sent": 0, "logged": 0, "failed": 0, "skipped": 0}
    ids = (
        db.session.execute(
            select(OutgoingEmail.id)
            .where(OutgoingEmail.status.in_([EmailStatus.QUEUED, EmailStatus.SENDING]))
            .order_by(OutgoingEmail.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    if not ids:
        return counts
    smtp = None
    email_id = None
    try:
        if _smtp_configured():
            smtp = _connect()
        for email_id in ids:
            if not _claim(email_id):
                counts["skipped"] += 1
                email_id = None
                continue
            _send_claimed(email_id, smtp, counts)
            email_id = None
    except ServerTrouble as trouble:
        if email_id is not None:
            _give_back(email_id, str(trouble))
        config = current_app.config
        logger.error(
            "mail server %s:%s failed, the queue waits for the next run: %s",
            config["SMTP_HOST"], config["SMTP_PORT"], trouble,
        )  # fmt: skip
    finally:
        _hang_up(smtp)
    return counts


def _send_claimed(email_id: int, smtp: smtplib.SMTP | None, counts: dict[str, int]) -> None:
    email = db.session.get(OutgoingEmail, email_id)
    if email.attempts > MAX_ATTEMPTS:  # each worker that took it died before the outcome
        error, retry = f"no outcome after {MAX_ATTEMPTS} attempts", False
    else:
        error, retry = _attempt(email, smtp)
    # The outcome is written in a transaction of its own, under the row lock
    # (on SQLite a write after a read could meet another worker's commit).
    email = lock_row(OutgoingEmail, email_id)
    if error is None:
        email.status = EmailStatus.SENT if smtp is not None else EmailStatus.LOGGED
        email.sent_at = utcnow()
        counts[email.status.value] += 1
    else:
        email.last_error = error
        gave_up = not retry or email.attempts >= MAX_ATTEMPTS
        email.status = EmailStatus.FAILED if gave_up else EmailStatus.QUEUED
        logger.warning("e-mail %s not sent (attempt %s): %s", email.id, email.attempts, error)
        counts["failed"] += 1
    db.session.commit()


mail_cli = AppGroup("mail", help="Outgoing e-mail.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", default=10, show_default=True, help="Seconds between checks.")
def send_command(loop: bool, interval: int) -> None:
    """Send the queued e-mail (run from cron, or with --loop as a worker)."""
    while True:
        counts = send_queued()
        if any(counts.values()) or not loop:
            click.echo(", ".join(f"{n} {what}" for what, n in counts.items()))
        if not loop:
            return
        time.sleep(interval)
