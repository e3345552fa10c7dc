"""Promotion briefs for tests, built through the services (no tests live here)."""

from contextlib import contextmanager
from datetime import timedelta

from core.extensions import db
from core.models import utcnow
from promotions import channel_list, filing, links, results, services
from promotions.models import Audience, BriefStatus, Objective, PostFormat, ReportFrequency
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event


def people_world():
    """A leader, an SMM person, a member who leads nothing, and the leader's community."""
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    member = make_user("max@example.com", "Max Member")
    community = make_community(leader)
    return leader, smm, member, community


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


# --- a world with an event promoted by a running brief (outcome tests) ---------------


def promo_world():
    """A leader, SMM, a visitor, their community and an event twenty days ahead."""
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    visitor = make_user("vera@example.com", "Vera Visitor")
    community = make_community(leader)
    event = make_event(
        leader, community, starts_at=utcnow().replace(microsecond=0) + timedelta(days=20)
    )
    return leader, smm, visitor, community, event


def running_brief(leader, smm, subject, channels=("Instagram",), **fields):
    today = utcnow().date()
    chosen = [channel(name) for name in channels]
    values = {
        "objective": Objective.REGISTRATIONS,
        "target": 10,
        "channels": chosen,
        "publish_from": today + timedelta(days=2),
        "publish_until": today + timedelta(days=12),
        "content_deadline": today + timedelta(days=1),
    }
    values.update(fields)
    # Each step is its own transaction, as on the site: the services lock the brief first.
    brief = services.create_request(leader, subject, complete_fields(**values))
    db.session.commit()
    services.submit(leader, brief)
    db.session.commit()
    services.transition(smm, brief, BriefStatus.ACCEPTED)
    db.session.commit()
    for picked in chosen:
        services.add_planned_post(
            smm, brief, picked, PostFormat.STORY, utcnow() + timedelta(days=3), "Story"
        )
        db.session.commit()
    services.transition(smm, brief, BriefStatus.RUNNING)
    db.session.commit()
    return brief


def event_brief(promo, **fields):
    leader, smm, _visitor, _community, event = promo
    return running_brief(leader, smm, load_subject("event", event.id), **fields)


def make_link(smm, brief, index=0, target=None):
    link = links.create_link(smm, brief.posts[index], target)
    db.session.commit()
    return link


@contextmanager
def arriving_through(app, link, user):
    """A request by `user` carrying the attribution cookie of `link`, as after /go/<code>."""
    from flask import g
    from flask_login import login_user

    cookie = links.attribution_cookie(link)["value"]
    with app.test_request_context(headers={"Cookie": f"{links.COOKIE}={cookie}"}):
        for name in list(g):  # the tests' app context is shared: start clean, as a request does
            g.pop(name)
        login_user(user)
        yield
        for name in list(g):
            g.pop(name)
