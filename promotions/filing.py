"""What a promotion request holds, and when it is complete enough for SMM."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.dates import day_of
from promotions.models import (
    Audience,
    Channel,
    Currency,
    Objective,
    PromotionRequest,
    ReportFrequency,
)
from promotions.subjects import Subject

DEFAULT_BACKUP_PLAN = [
    _l("Reserve posts ready to publish if registrations lag"),
    _l("Reminders a week and a day before"),
    _l("Spare creatives (another photo or angle)"),
    _l("Extra promotion budget agreed in advance"),
]


@dataclass
class BriefFields:
    """What the request form holds; every field may be empty in a draft."""

    title: str = ""
    objective: Objective | None = None
    target: int | None = None
    key_message: str = ""
    audience: Audience | None = None
    channels: list[Channel] | None = None
    content_deadline: date | None = None
    publish_from: date | None = None
    publish_until: date | None = None
    ad_budget: Decimal | None = None
    currency: Currency = Currency.UAH
    references: str = ""
    backup_plan: str = ""
    report_format: str = ""
    report_frequency: ReportFrequency | None = None


def suggested_fields(subject: Subject) -> BriefFields:
    """A new request starts from what it promotes."""
    return BriefFields(
        title=subject.title,
        objective=subject.objective,
        target=subject.target,
        backup_plan="\n".join(str(step) for step in DEFAULT_BACKUP_PLAN),
        report_frequency=ReportFrequency.AT_THE_END,
    )


LONGEST_WINDOW_DAYS = 366  # a campaign longer than a year is a typing mistake


def date_problems(fields: BriefFields, event_day: date | None, today: date) -> dict:
    """Field name → what is wrong with the dates; empty when they fit together. `event_day`
    is the day the subject takes place, in its own time zone."""
    problems = {}
    if fields.content_deadline and fields.content_deadline < today:
        problems["content_deadline"] = _("The content deadline has passed; choose a later day.")
    if fields.publish_from and fields.publish_until and fields.publish_until < fields.publish_from:
        problems["publish_until"] = _("The window must end on or after the day it starts.")
    elif (
        fields.publish_from
        and fields.publish_until
        and ((fields.publish_until - fields.publish_from).days >= LONGEST_WINDOW_DAYS)
    ):
        problems["publish_until"] = _(
            "A publication window lasts at most a year; choose an earlier last day."
        )
    late = fields.content_deadline and fields.publish_from
    if late and fields.content_deadline > fields.publish_from:
        problems.setdefault(
            "content_deadline",
            _("SMM needs the content by the first publication day at the latest."),
        )
    if event_day:
        if fields.publish_until and fields.publish_until > event_day:
            problems.setdefault(
                "publish_until",
                _("Publication must end by the event day (%(day)s).", day=day_of(event_day)),
            )
        if fields.publish_from and fields.publish_from > event_day:
            problems["publish_from"] = _(
                "Publication must start before the event (%(day)s).", day=day_of(event_day)
            )
        if fields.content_deadline and fields.content_deadline > event_day:
            problems.setdefault(
                "content_deadline", _("The content deadline must come before the event.")
            )
    return problems


REQUIRED_FOR_SUBMISSION = {
    "title": _l("Say what is promoted."),
    "objective": _l("Choose what the content must achieve."),
    "target": _l("Give the number that means success."),
    "key_message": _l("Write the one thing people should remember."),
    "audience": _l("Choose who the content is for."),
    "channels": _l("Tick at least one channel."),
    "content_deadline": _l("Give the day SMM gets the content."),
    "publish_from": _l("Give the first publication day."),
    "publish_until": _l("Give the last publication day."),
    "report_frequency": _l("Choose how often results are reported."),
}


def missing_for_submission(fields: BriefFields) -> dict:
    """Field name → message, for each field SMM cannot act without."""
    return {
        name: str(message)
        for name, message in REQUIRED_FOR_SUBMISSION.items()
        if getattr(fields, name) in (None, "", [])
    }


def fields_of(brief: PromotionRequest) -> BriefFields:
    return BriefFields(**{name: getattr(brief, name) for name in BriefFields.__dataclass_fields__})


def apply_fields(brief: PromotionRequest, fields: BriefFields) -> None:
    for name in BriefFields.__dataclass_fields__:
        value = getattr(fields, name)
        if name == "channels":
            brief.channels = list(value or [])
        elif isinstance(value, str):
            setattr(brief, name, value.strip())
        else:
            setattr(brief, name, value)
