"""Promotion briefs for tests, built through the services (no tests live here)."""

from datetime import timedelta

from core.extensions import db
from core.models import utcnow
from promotions import channel_list, filing, results, services
from promotions.models import Audience, BriefStatus, Objective, PostFormat, ReportFrequency
from promotions.subjects import load_subject


def channel(name: str = "Instagram", requirements: str = "Stories 1080×1920 px."):
    existing = [c for c in channel_list.all_channels() if c.name == name]
    if existing:
        return existing[0]
    added = channel_list.add_channel(name, requirements)
    db.session.commit()
    return added


def complete_fields(**overrides) -> filing.BriefFields:
    today = utcnow().date()
    fields = filing.BriefFields(
        title="Charity Book Sale",
        objective=Objective.LEADS,
        target=40,
        key_message="Exchange a book for a donation.",
        audience=Audience.BOTH,
        channels=[channel()],
        content_deadline=today + timedelta(days=3),
        publish_from=today + timedelta(days=5),
        publish_until=today + timedelta(days=12),
        references="https://example.org/great-post",
        backup_plan="Reserve posts\nReminders",
        report_format="Figures on the brief page",
        report_frequency=ReportFrequency.WEEKLY,
    )
    for name, value in overrides.items():
        setattr(fields, name, value)
    return fields


def draft_brief(leader, community, **overrides):
    subject = load_subject("achievement", community.id)
    brief = services.create_request(leader, subject, complete_fields(**overrides))
    db.session.commit()
    return brief


def brief_in(status: BriefStatus, leader, smm, community):
    """A brief moved through the workflow to `status` (not declined) by its people."""
    brief = draft_brief(leader, community)
    path = {
        BriefStatus.DRAFT: [],
        BriefStatus.SUBMITTED: ["submit"],
        BriefStatus.CHANGES_REQUESTED: ["submit", "changes"],
        BriefStatus.ACCEPTED: ["submit", "accept"],
        BriefStatus.SCHEDULED: ["submit", "accept", "post"],
        BriefStatus.RUNNING: ["submit", "accept", "post", "run"],
        BriefStatus.REPORTED: ["submit", "accept", "post", "run", "reported"],
        BriefStatus.CLOSED: ["submit", "accept", "post", "run", "report"],
        BriefStatus.DECLINED: ["submit", "decline"],
    }[BriefStatus(status)]
    for step in path:
        if step == "submit":
            services.submit(leader, brief)
        elif step == "changes":
            services.transition(smm, brief, BriefStatus.CHANGES_REQUESTED, "Add a photo.")
        elif step == "accept":
            services.transition(smm, brief, BriefStatus.ACCEPTED)
        elif step == "post":
            plan_post(smm, brief)
        elif step == "run":
            services.transition(smm, brief, BriefStatus.RUNNING)
        elif step == "reported":  # reported but not yet closed, as older briefs may be
            services.transition(smm, brief, BriefStatus.REPORTED)  # locks first: then the text
            brief.report = "44 leads from 4 stories."
        elif step == "report":  # the report freezes the figures and closes the brief
            results.report_results(smm, brief, "44 leads from 4 stories.")
        elif step == "decline":
            services.transition(smm, brief, BriefStatus.DECLINED, "Not our audience.")
        db.session.commit()
    return brief


def plan_post(smm, brief, days: int = 6, format=PostFormat.STORY):
    post = services.add_planned_post(
        smm, brief, brief.channels[0], format, utcnow() + timedelta(days=days), "Photo 1"
    )
    db.session.commit()
    return post
