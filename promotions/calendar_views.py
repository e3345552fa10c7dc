"""The content calendar: every brief's planned posts by week or month."""

from datetime import date, datetime, time, timedelta

from flask import render_template, request
from flask_login import current_user

from core.bounds import query_day, query_int
from core.models import utcnow
from core.permissions import requires
from core.zones import site_zone
from promotions import channel_list, permissions, queries
from promotions.models import PlannedPost
from promotions.views import bp


def _calendar_range(view: str, anchor: date) -> tuple[date, date, date, date]:
    """(first shown day, day after the last, previous anchor, next anchor)."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        start = first - timedelta(days=first.weekday())
        last = following - timedelta(days=1)
        end = last + timedelta(days=7 - last.weekday())
        previous = (first - timedelta(days=1)).replace(day=1)
        return start, end, previous, following
    start = anchor - timedelta(days=anchor.weekday())
    return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)


@bp.route("/calendar")
@requires("promotions.browse")
def calendar():
    view = "month" if request.args.get("view") == "month" else "week"
    # A day outside the site's window (year 1, say) would overflow the week's arithmetic.
    anchor = query_day("start") or utcnow().astimezone(site_zone()).date()
    channel_id = query_int("channel")
    start, end, previous, following = _calendar_range(view, anchor)
    zone = site_zone()
    posts = queries.calendar_posts(
        datetime.combine(start, time(), zone), datetime.combine(end, time(), zone), channel_id
    )
    by_day: dict[date, list[PlannedPost]] = {}
    for post in posts:
        by_day.setdefault(post.scheduled_at.astimezone(zone).date(), []).append(post)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    return render_template(
        "promotions/calendar.html",
        view=view,
        anchor=anchor,
        weeks=[days[i : i + 7] for i in range(0, len(days), 7)],
        by_day=by_day,
        # The narrow screen's list: the days that have posts, in order (a month's own only).
        agenda=[d for d in days if d in by_day and (view == "week" or d.month == anchor.month)],
        previous=previous,
        following=following,
        channels=channel_list.all_channels(),
        channel_id=channel_id,
        titles=permissions.calendar_titles(current_user),
        zone=zone,
        today=utcnow().astimezone(zone).date(),
    )
