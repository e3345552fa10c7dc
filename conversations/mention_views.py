"""Names to mention: the suggestions static/js/mentions.js offers after "@" in the post
and reply forms. (The route joins the conversations blueprint.)"""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.views import load_community
from conversations import mentions
from conversations.views import bp
from core.permissions import can, require


@bp.get("/communities/<slug>/people.json")
def people_to_mention(slug: str):
    """[{"id", "name"}] of at most mentions.SUGGESTIONS people who may read the community
    and whose name, or a word of it, starts with `q`. Only names: what a profile shows."""
    community = load_community(slug)
    require("conversations.mention", community)
    people = mentions.suggested_people(request.args.get("q", ""), community)
    response = jsonify([{"id": person.id, "name": person.display_name} for person in people])
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.app_template_global()
def mention_attributes(community) -> dict:
    """The textarea attributes that let static/js/mentions.js suggest names there, for
    those who may ask: `{{ form.body(class_="form-control", **mention_attributes(community)) }}`."""
    if not can(current_user, "conversations.mention", community):
        return {}
    return {
        "data-mentions-url": url_for("conversations.people_to_mention", slug=community.slug),
        "data-mentions-label": _("People to mention"),
    }
