"""A community's logo and cover image: served to whoever may see the community, uploaded
and removed (asking first) by its leaders. (The routes join the community blueprint.)"""

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community import pictures
from community.forms import PICTURE_FORMS, EditCommunityForm
from community.views import bp, edit_page, load_community
from core import commands
from core.confirm import ask_first
from core.images import image_response
from core.limits import accepts_files

PICTURE = "<any(logo, cover):which>"


@bp.route(f"/<slug>/{PICTURE}")
def picture(slug: str, which: str):
    """The community's logo or cover, for whoever may see the community."""
    community = load_community(slug)
    path = pictures.picture_path(community, which, thumb=request.args.get("size") == "thumb")
    if path is None or not path.is_file():
        abort(404)
    return image_response(path)


@bp.post(f"/<slug>/{PICTURE}/upload")
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
def upload_picture(slug: str, which: str):
    community = load_community(slug, "community.edit")
    form = PICTURE_FORMS[which]()
    if form.validate_on_submit():
        upload = form[which].data
        outcome = commands.run(
            lambda: pictures.set_picture(current_user, community.id, which, upload.stream),
            done=_("The logo is saved.") if which == "logo" else _("The cover image is saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("community.edit", slug=community.slug))
    return edit_page(community, EditCommunityForm(obj=community), 400, **{which: form})


@bp.route(f"/<slug>/{PICTURE}/remove", methods=["GET", "POST"])
def remove_picture(slug: str, which: str):
    community = load_community(slug, "community.edit")
    if request.method == "GET":
        logo = which == "logo"
        return ask_first(
            _("Remove the logo of %(name)s?", name=community.name)
            if logo
            else _("Remove the cover image of %(name)s?", name=community.name),
            detail=_("Its initials show instead; you can upload a picture again.")
            if logo
            else _("The page shows no banner; you can upload a picture again."),
            button=_("Remove logo") if logo else _("Remove cover image"),
            cancel=url_for("community.edit", slug=community.slug),
        )
    commands.run(
        lambda: pictures.remove_picture(current_user, community.id, which),
        done=_("The logo is removed.") if which == "logo" else _("The cover image is removed."),
    )
    return redirect(url_for("community.edit", slug=community.slug))
