"""Demo data for promotions: the Instagram stories of the Charity Book Sale (DESIGN.md §1),
a brief waiting in the SMM queue, and a draft."""

import random
from datetime import UTC, datetime, time, timedelta

import click
from sqlalchemy import select

from accounts.services import find_user_by_email
from community import services as communities
from core.extensions import db
from core.models import utcnow
from promotions import services
from promotions.models import Audience, BriefStatus, Objective, PostFormat, ReportFrequency
from promotions.subjects import Subject, load_subject, subject_kinds

SALE_REPORT = """Four Instagram stories (three photos, one linking to the Facebook post).

| measure | target | actual |
|---|---|---|
| leads from the catalog post | 40 | **44** |
| Facebook group members | — | +13.5 % |
| outside people who added or took books | — | 5 |

The catalog grew to 115 books; 100 were exchanged for 39,000 UAH of donations."""


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
    now = now or utcnow()
    today = now.date()
    channels = {c.name: c for c in services.ensure_default_channels()}
    olena = find_user_by_email("olena@example.com")
    andrii = find_user_by_email("andrii@example.com")
    taras = find_user_by_email("smm@example.com")
    pm = communities.get_community_by_slug("project-managers")
    volunteering = communities.get_community_by_slug("volunteering")

    running = communities.get_community_by_slug("running-club")
    with click.progressbar(length=4, label="Promotion briefs") as bar:
        # The book sale: filed, accepted and run through the workflow as it happened,
        # with dates that were in the future then; they are moved to the past below.
        sale = services.create_request(
            olena,
            _book_sale_subject(pm),
            services.BriefFields(
                title="Charity Book Sale: the catalog opens to other companies",
                objective=Objective.LEADS,
                target=40,
                key_message=(
                    "Bring a book you have read, take one you have not: every book becomes a "
                    "donation to the children's hospital fund."
                ),
                audience=Audience.BOTH,
                channels=[channels["Instagram"], channels["Facebook"]],
                content_deadline=today + timedelta(days=1),
                publish_from=today + timedelta(days=2),
                publish_until=today + timedelta(days=9),
                references="https://www.facebook.com/groups/pm-community",
                backup_plan="\n".join(str(step) for step in services.DEFAULT_BACKUP_PLAN),
                report_format="Leads from the catalog post and group growth, on this page",
                report_frequency=ReportFrequency.AT_THE_END,
            ),
        )
        services.submit(olena, sale)
        services.add_comment(taras, sale, "Four stories work best here: three photos and a link.")
        services.transition(taras, sale, BriefStatus.ACCEPTED)
        for day, note in [
            (2, "Photo: the shelf of 80 books"),
            (3, "Photo: PMBOK and Agile & Scrum corner"),
            (4, "Photo: the first exchange"),
            (5, "Link to the Facebook post with the catalog"),
        ]:
            services.add_planned_post(
                taras, sale, channels["Instagram"], PostFormat.STORY,
                _at(today + timedelta(days=day), 10), note,
            )  # fmt: skip
        services.transition(taras, sale, BriefStatus.RUNNING)
        for post in sale.posts:
            services.record_publication(
                taras,
                post,
                f"https://www.instagram.com/stories/guildhall/{rng.randint(10**9, 10**10)}",
                reach=rng.randint(700, 1200),
                reactions=rng.randint(30, 90),
                clicks=rng.randint(8, 20) if "Link" in post.notes else None,
            )
        services.report_results(taras, sale, SALE_REPORT)
        services.transition(taras, sale, BriefStatus.CLOSED)
        shift = timedelta(days=75)
        for name in ("content_deadline", "publish_from", "publish_until"):
            setattr(sale, name, getattr(sale, name) - shift)
        for post in sale.posts:
            post.scheduled_at -= shift
            post.published_at = post.scheduled_at
        sale.submitted_at = now - shift - timedelta(days=3)
        bar.update(1)

        donors = services.create_request(
            andrii,
            load_subject("achievement", volunteering.id),
            services.BriefFields(
                title="Blood donation day: 60 donors last spring",
                objective=Objective.GROUP_MEMBERS,
                target=25,
                key_message="One morning, one hour, three lives: join the next donation day.",
                audience=Audience.INTERNAL,
                channels=[channels["Internal newsletter"], channels["LinkedIn"]],
                content_deadline=today + timedelta(days=4),
                publish_from=today + timedelta(days=6),
                publish_until=today + timedelta(days=20),
                backup_plan="\n".join(str(step) for step in services.DEFAULT_BACKUP_PLAN),
                report_format="New members of the community, monthly",
                report_frequency=ReportFrequency.MONTHLY,
            ),
        )
        services.submit(andrii, donors)
        bar.update(1)

        # On the calendar now: SMM accepted it and planned the posts.
        race = services.create_request(
            andrii,
            load_subject("achievement", running.id),
            services.BriefFields(
                title="Running Club: 40 colleagues at the city half-marathon",
                objective=Objective.GROUP_MEMBERS,
                target=20,
                key_message="From 5 km to a half-marathon: we train together on Tuesdays.",
                audience=Audience.INTERNAL,
                channels=[channels["Facebook"], channels["Internal newsletter"]],
                content_deadline=today,
                publish_from=today + timedelta(days=1),
                publish_until=today + timedelta(days=14),
                backup_plan="\n".join(str(step) for step in services.DEFAULT_BACKUP_PLAN),
                report_format="New members, at the end",
                report_frequency=ReportFrequency.AT_THE_END,
            ),
        )
        services.submit(andrii, race)
        services.transition(taras, race, BriefStatus.ACCEPTED)
        for day, channel, format, note in [
            (1, "Facebook", PostFormat.POST, "Finish-line photo and the training plan"),
            (3, "Internal newsletter", PostFormat.ARTICLE, "Three first-timers' stories"),
            (6, "Facebook", PostFormat.REEL, "30 seconds of the Tuesday run"),
        ]:
            services.add_planned_post(
                taras, race, channels[channel], format, _at(today + timedelta(days=day), 9), note
            )
        bar.update(1)

        services.create_request(
            olena,
            load_subject("achievement", pm.id),
            services.BriefFields(
                title="PM community: 600 members in the Facebook group",
                objective=Objective.GROUP_MEMBERS,
                backup_plan="\n".join(str(step) for step in services.DEFAULT_BACKUP_PLAN),
            ),
        )
        bar.update(1)
    db.session.flush()
