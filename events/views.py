"""Event pages: lists, the event page, registration, calendars and the leaders' tools."""

from datetime import datetime

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.people_views import register_person_section
from accounts.views import register_profile_section
from community import services as communities
from community.views import load_community, register_community_section
from core import commands
from core.bounds import query_int
from core.confirm import ask_first
from core.dates import clock_text, day_text, in_zone, moment_text, viewer_zone_name
from core.extensions import login_manager
from core.navigation import add_nav_item
from core.paging import paginate
from core.permissions import can, is_signed_in, require, requires
from core.site import external_url, site_context
from events import calendar, feeds, planning, queries, registering
from events.attendance import mark_attendance
from events.export import attendees_csv
from events.forms import AttendanceForm, EventForm
from events.models import Event, RegistrationStatus
from events.page_actions import event_actions

bp = Blueprint("events", __name__)

PER_PAGE = 20

add_nav_item("events.upcoming", _l("Events"), "events.browse", 20)


def _community_section(community, user) -> dict:
    if not is_signed_in(user):
        return {"events": []}
    events = queries.upcoming_for_community(user, community)
    return {
        "events": events,
        "counts": queries.counts_by_status([e.id for e in events]),
        # Pasted into calendar apps: the site's own address, never the request's Host.
        "feed_url": external_url(
            "events.community_feed", slug=community.slug, token=feeds.feed_token(user)
        ),
    }


register_community_section("events/_community_events.html", _community_section)
bp.add_app_template_global(event_actions)  # buttons higher features add to the event page
register_person_section(
    "events/_person_events.html", lambda user: {"attended": queries.events_attended(user)}
)
register_profile_section(
    "events/_my_events.html", lambda user: {"registrations": queries.upcoming_registrations(user)}
)


# --- showing times ------------------------------------------------------------


bp.add_app_template_global(viewer_zone_name)


@bp.app_template_global("event_time")
def event_time(moment: datetime | None) -> str:
    """A moment in the viewer's zone (the page names the zone once, with the event's times)."""
    return moment_text(moment)


@bp.app_template_global("event_when")
def event_when(event: Event, zone_named: bool = True) -> str:
    """When the event runs, in the viewer's zone. With `zone_named` (the event page, e-mail)
    the zone is named, and the event's own zone too when it is not the viewer's: lists
    leave it out, so no line repeats it."""
    start, end = in_zone(event.starts_at), in_zone(event.ends_at)
    text = f"{day_text(start)}, {clock_text(start)}–"
    if end.date() != start.date():
        text += f"{day_text(end)}, "
    text += clock_text(end)
    if not zone_named:
        return text
    text += f" ({viewer_zone_name()})"
    own = in_zone(event.starts_at, planning.zone(event.timezone).key)
    # By the clock, not the name: a browser may report an old name of the same zone
    # ("Europe/Kiev"), and the same times would read twice.
    if own.utcoffset() != start.utcoffset():
        text += " · " + _(
            "%(day)s, %(time)s in %(zone)s",
            day=day_text(own, year=False),
            time=clock_text(own),
            zone=event.timezone,
        )
    return text


# --- loading ------------------------------------------------------------------


def load_event(event_id: int, action: str = "events.view") -> Event:
    """The event, after checking the current user may do `action` on it (404 if private)."""
    event = queries.get_event(event_id)
    if event is None:
        abort(404)
    require("events.view", event, hide=True)
    if action != "events.view":
        require(action, event)
    return event


# --- lists --------------------------------------------------------------------


def _event_list(past: bool):
    slug = request.args.get("community")
    community = communities.get_community_by_slug(slug) if slug else None
    if community is not None and not can(current_user, "community.view", community):
        community = None
    page = paginate(queries.events_query(current_user, past=past, community=community), PER_PAGE)
    event_ids = [event.id for event in page.items]
    return render_template(
        "events/list.html",
        page=page,
        past=past,
        community=community,
        filter_communities=queries.communities_with_events(current_user),
        counts=queries.counts_by_status(event_ids),
        mine=queries.registrations_of(current_user, event_ids),
    )


@bp.route("/events")
@requires("events.browse")
def upcoming():
    return _event_list(past=False)


@bp.route("/events/past")
@requires("events.browse")
def past():
    return _event_list(past=True)


# --- one event ----------------------------------------------------------------


@bp.route("/events/<int:event_id>")
def show(event_id: int):
    event = load_event(event_id)
    counts = queries.count_by_status(event)
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    registration = queries.registration_of(current_user, event)
    if registration is not None and not registration.is_active:
        registration = None
    came = queries.attended_count(event) if event.has_started() else None
    return render_template(
        "events/show.html",
        event=event,
        confirmed=confirmed,
        waitlisted=counts.get(RegistrationStatus.WAITLISTED, 0),
        seats_left=None if event.capacity is None else max(event.capacity - confirmed, 0),
        registration=registration,
        position=queries.waitlist_position(registration) if registration else None,
        came=came,
        closed_because=registering.why_registration_is_closed(event),
    )


@bp.route("/communities/<slug>/events/new", methods=["GET", "POST"])
def create(slug: str):
    community = load_community(slug)
    require("events.create", community)
    form = EventForm(default_zone=viewer_zone_name())
    copy_of = query_int("copy")
    if request.method == "GET" and copy_of:
        source = queries.get_event(copy_of)
        if source is None or source.community_id != community.id:
            abort(404)
        form.fill_from(planning.copy_details(source))
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: planning.create_event(current_user, community, form.validated_details),
            done=lambda event: _("Event %(title)s is planned.", title=event.title),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("events.show", event_id=outcome.value.id))
    return _render_form(form, community, None)


def _render_form(form: EventForm, community, event: Event | None):
    failed = request.method == "POST"  # a valid POST has redirected already
    return render_template("events/form.html", form=form, community=community, event=event), (
        400 if failed else 200
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = load_event(event_id, "events.manage")
    form = EventForm(default_zone=event.timezone)
    if request.method == "GET":
        form.fill_from(planning.EventDetails.of(event))
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: planning.update_event(current_user, event.id, form.validated_details),
            done=_("Saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("events.show", event_id=event.id))
    return _render_form(form, event.community, event)


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    event = load_event(event_id, "events.manage")
    if request.method == "GET":
        return ask_first(
            _("Cancel %(title)s?", title=event.title),
            detail=_("Everyone registered or on the waitlist is told; this cannot be undone."),
            button=_("Cancel event"),
            cancel=url_for("events.show", event_id=event.id),
        )
    commands.run(
        lambda: planning.cancel_event(current_user, event.id), done=_("The event is cancelled.")
    )
    return redirect(url_for("events.show", event_id=event.id))


def _registered(registration) -> commands.Done:
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("You are registered.")
    return _("The event is full: you are on the waitlist."), "info"


@bp.post("/events/<int:event_id>/register")
def register(event_id: int):
    event = load_event(event_id, "events.register")
    commands.run(lambda: registering.register_for_event(current_user, event.id), done=_registered)
    return redirect(url_for("events.show", event_id=event_id))


@bp.post("/events/<int:event_id>/unregister")
def unregister(event_id: int):
    event = load_event(event_id)
    commands.run(
        lambda: registering.cancel_registration(current_user, event.id),
        done=_("Your registration is cancelled."),
    )
    return redirect(url_for("events.show", event_id=event.id))


# --- calendars ----------------------------------------------------------------


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",  # a person's events, fetched with their token
        },
    )


def _feed_not_found() -> Response:
    # Calendar apps show no page: a short text without the site's layout, which
    # would echo the token back and set a session cookie for nothing.
    return Response(
        "Not found\n", 404, mimetype="text/plain", headers={"Cache-Control": "no-store"}
    )


def _calendar(events, name: str | None = None) -> bytes:
    """The .ics, its links to event pages made from SITE_URL like every link people copy."""
    with site_context():
        return calendar.calendar_for(events, name)


@bp.route("/events/<int:event_id>/calendar.ics")
def ics(event_id: int):
    event = load_event(event_id)
    return _ics(_calendar([event]), f"event-{event.id}.ics")


@bp.route("/communities/<slug>/events.ics")
def community_feed(slug: str):
    """Calendar apps with the person's private feed token, or signed-in people without one."""
    token = request.args.get("token")
    if token is not None:
        # A calendar app cannot sign in, so a wrong or reset token gets a plain 404.
        user = feeds.user_for_feed_token(token)
    elif is_signed_in(current_user):
        user = current_user
    else:
        abort(login_manager.unauthorized())
    community = communities.get_community_by_slug(slug)
    if user is None or community is None or not can(user, "community.view", community):
        if token is not None:
            return _feed_not_found()
        abort(404)
    body = _calendar(queries.feed_events(user, community), community.name)
    return _ics(body, f"{community.slug}-events.ics")


@bp.route("/communities/<slug>/events.ics/reset", methods=["GET", "POST"])
def reset_feed_link(slug: str):
    """A new private feed link for the person; the links they gave out before stop working.

    GET asks first (no script needed): the reset cannot be undone and reaches
    every community's feed and every calendar app subscribed to them."""
    community = load_community(slug)
    if request.method == "GET":
        return render_template("events/reset_feed.html", community=community)
    commands.run(
        lambda: feeds.reset_feed_link(current_user),
        done=_(
            "Your calendar feed link has been reset. The old link no longer works for any "
            "of your communities; subscribe again with the new link below."
        ),
    )
    return redirect(url_for("community.show", slug=community.slug, _anchor="calendar-feed"))


# --- leaders' tools -----------------------------------------------------------


@bp.route("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    event = load_event(event_id, "events.manage")
    registrations = queries.attendees(event)
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    return render_template(
        "events/attendees.html",
        event=event,
        registrations=registrations,
        confirmed=confirmed,
        contacts=", ".join(f"{r.user.display_name} <{r.user.email}>" for r in confirmed),
        form=AttendanceForm(),
        can_mark=event.has_started() and not event.is_cancelled,
    )


@bp.route("/events/<int:event_id>/attendees.csv")
def attendees_export(event_id: int):
    event = load_event(event_id, "events.manage")
    return Response(
        attendees_csv(queries.attendees(event)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-attendees.csv"'},
    )


@bp.post("/events/<int:event_id>/attendance")
def attendance(event_id: int):
    event = load_event(event_id, "events.manage")
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    attended = {
        int(value)
        for value in request.form.getlist("attended")
        if value.isascii() and value.isdigit() and len(value) < 19  # a user id, nothing else
    }
    commands.run(
        lambda: mark_attendance(current_user, event, attended),
        done=lambda came: _("Attendance saved: %(num)s came.", num=came),
    )
    return redirect(url_for("events.attendees", event_id=event.id))
