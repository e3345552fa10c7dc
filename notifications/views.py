"""The bell, the list of a person's notifications, opening one, and the delivery settings."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import User
from accounts.views import register_profile_section
from core import commands
from core.bounds import MAX_INT
from core.extensions import csrf, db
from core.paging import page_of_ids
from core.permissions import can, require, requires
from notifications import conversation_kinds, kinds, mail_choices, registry, services, unsubscribe
from notifications.forms import delivery_form
from notifications.mail import target_url, text_of
from notifications.models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PER_PAGE = 20

kinds.connect_signals()  # notifications follow what the features do
conversation_kinds.connect_signals()
mail_choices.connect()  # and the features' own e-mail is chosen on the same page
register_profile_section("notifications/_profile_section.html", lambda user: {})


@bp.app_template_global()
def unread_notifications() -> int:
    """The bell's figure for the signed-in person (one query, kept for the request)."""
    if not can(current_user, "notifications.view"):
        return 0
    return services.unread_count(current_user)


@bp.app_template_global()
def notification_text(notification: Notification) -> str:
    return text_of(notification)


def load_notification(notification_id: int) -> Notification:
    """The person's own notification; anyone else's is not there for them (404)."""
    notification = db.get_or_404(Notification, notification_id)
    require("notifications.open", notification, hide=True)
    return notification


@bp.get("")
@requires("notifications.view")
def index():
    page = page_of_ids(services.notifications_query(current_user), PER_PAGE, Notification)
    unread = unread_notifications()
    newest = services.newest_id(current_user) if unread else None
    return render_template("notifications/index.html", page=page, unread=unread, newest=newest)


@bp.post("/read")
@requires("notifications.view")
def mark_all_read():
    up_to = request.form.get("up_to", type=int)  # the newest the page showed
    if up_to is not None and not 1 <= up_to <= MAX_INT:
        up_to = None
    commands.run(
        lambda: services.mark_all_read(current_user, up_to),
        done=_("All notifications are marked read."),
    )
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
def open_notification(notification_id: int):
    """Opening one marks it read and goes where it leads (a POST: it changes state)."""
    notification = load_notification(notification_id)
    outcome = commands.run(lambda: services.mark_read(current_user, notification.id))
    return redirect(target_url(notification) if outcome.ok else url_for("notifications.index"))


@bp.route(
    f"/unsubscribe/<string(maxlength={unsubscribe.MAX_TOKEN}):token>", methods=["GET", "POST"]
)
@csrf.exempt  # RFC 8058: the mail client POSTs without a session; the signed link decides
def unsubscribe_link(token: str):
    """A GET (a person, or a client fetching links ahead) only asks; a POST turns it off."""
    found = unsubscribe.read_token(token)
    person = found and db.session.get(User, found[0])
    if person is None:
        abort(404)
    kind = found[1]
    done = (
        request.method == "POST"
        and commands.run(lambda: services.turn_off(person.id, kind.name)).ok
    )
    return render_template("notifications/unsubscribe.html", kind=kind, token=token, done=done)


@bp.route("/settings", methods=["GET", "POST"])
@requires("notifications.view")
def settings():
    offered = registry.kinds_for(current_user)
    form = delivery_form(offered, services.deliveries_of(current_user))
    if form.validate_on_submit():
        wanted = {kind.name: form[kind.name].data for kind in offered}
        outcome = commands.run(
            lambda: services.set_deliveries(current_user, wanted),
            done=_("Your notification settings are saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, offered=offered)
