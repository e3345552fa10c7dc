"""The channel list: admins keep it, SMM keeps each channel's requirements."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import commands
from core.extensions import db
from core.permissions import can, require, requires
from promotions import channel_list
from promotions.forms import ChannelForm, ChannelRequirementsForm
from promotions.models import Channel
from promotions.views import bp


@bp.route("/channels", methods=["GET", "POST"])
@requires("promotions.plan")
def channels():
    form = ChannelForm() if can(current_user, "promotions.manage_channels") else None
    if request.method == "POST":
        require("promotions.manage_channels")
        if form.validate():
            outcome = commands.run(
                lambda: channel_list.add_channel(
                    form.name.data, form.requirements.data or "", form.position.data
                ),
                done=_("Channel added."),
                form=form,
            )
            if outcome.ok:
                return redirect(url_for("promotions.channels"))
    return render_template(
        "promotions/channels.html", channels=channel_list.all_channels(), form=form
    ), (400 if form is not None and form.errors else 200)


@bp.route("/channels/<int:channel_id>", methods=["GET", "POST"])
@requires("promotions.plan")
def edit_channel(channel_id: int):
    channel = db.get_or_404(Channel, channel_id)
    admin = can(current_user, "promotions.manage_channels")
    form = (ChannelForm if admin else ChannelRequirementsForm)(obj=channel)
    if form.validate_on_submit():
        changes = {"requirements": form.requirements.data or ""}
        if admin:
            changes.update(
                name=form.name.data, position=form.position.data, active=form.active.data
            )
        outcome = commands.run(
            lambda: channel_list.update_channel(channel, **changes),
            done=_("Channel saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("promotions.channels"))
    return render_template("promotions/channel_form.html", channel=channel, form=form), (
        400 if form.errors else 200
    )
