"""Demo data for promotions: the Instagram stories of the Charity Book Sale (DESIGN.md §1),
a brief waiting in the SMM queue, and a draft."""

import random
from datetime import UTC, date, datetime, time, timedelta

import click
from sqlalchemy import insert, select

from accounts.services import find_user_by_email
from community import services as communities
from core import commands
from core.extensions import db
from core.models import utcnow
from promotions import channel_list, filing, links, results, services
from promotions.at_risk import check_at_risk
from promotions.links import LEAD
from promotions.models import (
    Attribution,
    Audience,
    BriefStatus,
    LinkVisit,
    Objective,
    PostFormat,
    ReportFrequency,
)
from promotions.subjects import Subject, load_subject, subject_kinds

SALE_REPORT = """Four Instagram stories went out over four mornings: three photos (the shelf,
the PMBOK and Agile corner, the first exchange) and one linking to the Facebook post with
the catalog. The link story brought every lead; the photos built the Facebook group."""

SALE_LESSONS = """- A story with a link does the converting; photo stories before it warm people up.
- Opening the catalog to other companies' PMs brought the outside contributors.
- Next time: a reminder story on the last day, from the backup plan."""


def _book_sale_subject(pm) -> Subject:
    """The initiative when that package is part of the app, else a community achievement."""
    if "initiative" in subject_kinds():
        from initiatives.models import Initiative

        initiative_id = db.session.execute(
            select(Initiative.id).where(
                Initiative.community_id == pm.id, Initiative.title == "Charity Book Sale"
            )
        ).scalar()
        if initiative_id is not None:
            return load_subject("initiative", initiative_id)
    return load_subject("achievement", pm.id)


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def seed_promotions(rng: random.Random, now: datetime | None = None) -> None:
    """The briefs, each step of their workflow a command of its own (as the SMM's and the
    leaders' clicks would be): a step that locks the brief does so at its start."""
    now = now or utcnow()
    today = now.date()
    with commands.transaction():
        channels = {c.name: c for c in channel_list.ensure_default_channels()}
    olena = find_user_by_email("olena@example.com")
    andrii = find_user_by_email("andrii@example.com")
    taras = find_user_by_email("smm@example.com")
    pm = communities.get_community_by_slug("project-managers")
    volunteering = communities.get_community_by_slug("volunteering")

    running = communities.get_community_by_slug("running-club")
    with click.progressbar(length=4, label="Promotion briefs") as bar:
        # The book sale: filed, accepted and run through the workflow as it happened,
        # with dates that were in the future then; they are moved to the past below.
        with commands.transaction():
            sale = services.create_request(
                olena,
                _book_sale_subject(pm),
                filing.BriefFields(
                    title="Charity Book Sale: the catalog opens to other companies",
                    objective=Objective.LEADS,
                    target=40,
                    key_message=(
                        "Bring a book you have read, take one you have not: every book becomes "
                        "a donation to the children's hospital fund."
                    ),
                    audience=Audience.BOTH,
                    channels=[channels["Instagram"], channels["Facebook"]],
                    content_deadline=today + timedelta(days=1),
                    publish_from=today + timedelta(days=2),
                    publish_until=today + timedelta(days=9),
                    references="https://www.facebook.com/groups/pm-community",
                    backup_plan="\n".join(str(step) for step in filing.DEFAULT_BACKUP_PLAN),
                    report_format="Leads from the catalog post and group growth, on this page",
                    report_frequency=ReportFrequency.AT_THE_END,
                ),
            )
        with commands.transaction():
            services.submit(olena, sale)
        with commands.transaction():
            services.add_comment(
                taras, sale, "Four stories work best here: three photos and a link."
            )
        with commands.transaction():
            services.transition(taras, sale, BriefStatus.ACCEPTED)
        for day, note in [
            (2, "Photo: the shelf of 80 books"),
            (3, "Photo: PMBOK and Agile & Scrum corner"),
            (4, "Photo: the first exchange"),
            (5, "Link to the Facebook post with the catalog"),
        ]:  # one transaction a post: the service locks the brief first
            with commands.transaction():
                services.add_planned_post(
                    taras, sale, channels["Instagram"], PostFormat.STORY,
                    _at(today + timedelta(days=day), 10), note,
                )  # fmt: skip
        with commands.transaction():
            services.transition(taras, sale, BriefStatus.RUNNING)
        for post in list(sale.posts):
            with commands.transaction():
                services.record_publication(
                    taras,
                    post,
                    f"https://www.instagram.com/stories/guildhall/{rng.randint(10**9, 10**10)}",
                    reach=rng.randint(700, 1200),
                    reactions=rng.randint(30, 90),
                    clicks=rng.randint(8, 20) if "Link" in post.notes else None,
                )
        with commands.transaction():
            _move_back(sale, timedelta(days=68), now)
        _track_the_sale(rng, sale, taras, pm)
        with commands.transaction():
            results.report_results(taras, sale, SALE_REPORT, SALE_LESSONS)
        bar.update(1)

        with commands.transaction():
            donors = services.create_request(
                andrii,
                load_subject("achievement", volunteering.id),
                filing.BriefFields(
                    title="Blood donation day: 60 donors last spring",
                    objective=Objective.GROUP_MEMBERS,
                    target=25,
                    key_message="One morning, one hour, three lives: join the next donation day.",
                    audience=Audience.INTERNAL,
                    channels=[channels["Internal newsletter"], channels["LinkedIn"]],
                    content_deadline=today + timedelta(days=4),
                    publish_from=today + timedelta(days=6),
                    publish_until=today + timedelta(days=20),
                    backup_plan="\n".join(str(step) for step in filing.DEFAULT_BACKUP_PLAN),
                    report_format="New members of the community, monthly",
                    report_frequency=ReportFrequency.MONTHLY,
                ),
            )
        with commands.transaction():
            services.submit(andrii, donors)
        bar.update(1)

        # On the calendar now: SMM accepted it and planned the posts.
        with commands.transaction():
            race = services.create_request(
                andrii,
                load_subject("achievement", running.id),
                filing.BriefFields(
                    title="Running Club: 40 colleagues at the city half-marathon",
                    objective=Objective.GROUP_MEMBERS,
                    target=20,
                    key_message="From 5 km to a half-marathon: we train together on Tuesdays.",
                    audience=Audience.INTERNAL,
                    channels=[channels["Facebook"], channels["Internal newsletter"]],
                    content_deadline=today,
                    publish_from=today + timedelta(days=1),
                    publish_until=today + timedelta(days=14),
                    backup_plan="\n".join(str(step) for step in filing.DEFAULT_BACKUP_PLAN),
                    report_format="New members, at the end",
                    report_frequency=ReportFrequency.AT_THE_END,
                ),
            )
        with commands.transaction():
            services.submit(andrii, race)
        with commands.transaction():
            services.transition(taras, race, BriefStatus.ACCEPTED)
        for day, channel, format, note in [
            (1, "Facebook", PostFormat.POST, "Finish-line photo and the training plan"),
            (3, "Internal newsletter", PostFormat.ARTICLE, "Three first-timers' stories"),
            (6, "Facebook", PostFormat.REEL, "30 seconds of the Tuesday run"),
        ]:  # one transaction a post: the service locks the brief first
            with commands.transaction():
                services.add_planned_post(
                    taras, race, channels[channel], format, _at(today + timedelta(days=day), 9),
                    note,
                )  # fmt: skip
        # Running for a week now, and behind: few colleagues joined so far.
        with commands.transaction():
            services.transition(taras, race, BriefStatus.RUNNING)
        with commands.transaction():
            _move_back(race, timedelta(days=8), now)
        for post in list(race.posts):
            if post.scheduled_at < now:
                with commands.transaction():
                    services.record_publication(
                        taras, post, f"https://www.facebook.com/runningclub/posts/{post.id}",
                        reach=rng.randint(300, 600), reactions=rng.randint(10, 40),
                    )  # fmt: skip
                with commands.transaction():
                    _clicks(rng, links.create_link(taras, post), post.scheduled_at.date(), 3, 9)
        bar.update(1)

        with commands.transaction():
            services.create_request(
                olena,
                load_subject("achievement", pm.id),
                filing.BriefFields(
                    title="PM community: 600 members in the Facebook group",
                    objective=Objective.GROUP_MEMBERS,
                    backup_plan="\n".join(str(step) for step in filing.DEFAULT_BACKUP_PLAN),
                ),
            )
        bar.update(1)
    with commands.transaction():
        watched, at_risk = check_at_risk(today)
    click.echo(f"Promotions watched: {watched}, at risk: {at_risk}")


def _move_back(brief, shift: timedelta, now: datetime) -> None:
    """Briefs are filed with future dates (the form insists); the demo then moves them back."""
    for name in ("content_deadline", "publish_from", "publish_until"):
        setattr(brief, name, getattr(brief, name) - shift)
    for post in brief.posts:
        post.scheduled_at -= shift
        if post.published_at is not None:
            post.published_at = post.scheduled_at
    brief.submitted_at = now - shift - timedelta(days=3)
    db.session.flush()


def _clicks(rng: random.Random, link, first_day: date, low: int, high: int, days: int = 6) -> int:
    """A link's daily visitors fading after the post went out; returns the clicks."""
    rows = [
        {
            "link_id": link.id,
            "day": first_day + timedelta(days=n),
            "visitor": f"{rng.getrandbits(128):032x}",
            "clicks": rng.choice((1, 1, 2)),
        }
        for n in range(days)
        for _visitor in range(max(rng.randint(low, high) // (n + 1), 1))
    ]
    db.session.execute(insert(LinkVisit), rows)
    return sum(row["clicks"] for row in rows)


def _track_the_sale(rng: random.Random, sale, taras, pm) -> None:
    """The story's numbers: the link story brought the 44 leads; the Facebook group grew 13.5 %.

    Leads are dated into the days after the stories and marked with the link,
    as the site does for a visitor who arrives through it.
    """
    link_story = None
    for post in list(sale.posts):
        with commands.transaction():
            link = links.create_link(taras, post)
            _clicks(rng, link, post.scheduled_at.date(), 20, 60 if "Link" in post.notes else 25)
        if "Link" in post.notes:
            link_story = (post, link)
    with commands.transaction():
        _attribute_the_leads(sale, pm, *link_story)


def _attribute_the_leads(sale, pm, post, link) -> None:
    from initiatives.models import Lead

    leads = list(
        db.session.execute(select(Lead).where(Lead.initiative_id == sale.subject_id)).scalars()
    )
    start = post.scheduled_at
    for n, lead in enumerate(sorted(leads, key=lambda lead: lead.created_at)):
        lead.created_at = start + timedelta(hours=2 + n * 3)
        lead.source = link.code
        mark = Attribution(request_id=sale.id, channel_id=link.channel_id, link_id=link.id,
                           kind=LEAD, object_id=lead.id, created_at=lead.created_at)  # fmt: skip
        db.session.add(mark)
    group = pm.channels[0]
    communities.record_snapshot(group, sale.publish_from, 600)
    communities.record_snapshot(group, sale.publish_until, 681)
    db.session.flush()
