"""Initiative pages: the blueprint and what its pages share (loading, filters), the
initiative page itself, creating and editing, leads, and outside participants.

The catalog's own pages are in catalog_views.py, the public page in public_views.py;
their routes join this blueprint (app.py imports them).
"""

from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.views import load_community, register_community_section
from core import commands
from core.confirm import ask_first
from core.extensions import db
from core.navigation import add_admin_item
from core.paging import page_of_ids, paginate
from core.permissions import can, require
from initiatives import catalog_queries, counts, editing, leads, participants, reservations
from initiatives.forms import (
    CONDITION_LABELS,
    DEFAULT_CATEGORY_LABELS,
    STATUS_LABELS,
    InitiativeForm,
)
from initiatives.lead_sources import source_labels
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    ItemStatus,
    Participant,
)
from initiatives.page_actions import initiative_actions

bp = Blueprint("initiatives", __name__)
add_admin_item("initiatives.participants", _l("Participants"), "initiative.forget_participants", 60)
PER_PAGE = 24


def public_form_limit() -> str:
    return current_app.config["PUBLIC_FORM_RATE_LIMIT"]


@bp.context_processor
def _labels() -> dict:
    return {"conditions": CONDITION_LABELS, "status_labels": STATUS_LABELS}


@bp.app_template_filter("catalog_money")
def catalog_money(amount, currency: str = "UAH") -> str:
    """39,000 UAH (locale-formatted; cents only when there are any)."""
    value = Decimal(amount or 0)
    pattern = "#,##0 ¤¤" if value == value.to_integral_value() else "#,##0.00 ¤¤"
    return format_currency(value, currency, format=pattern, currency_digits=False)


@bp.app_template_filter("category_label")
def category_label(name: str) -> str:
    return str(DEFAULT_CATEGORY_LABELS.get(name, name))


@bp.app_template_filter("catalog_number")
def catalog_number(value) -> str:
    return format_decimal(value or 0)


def _section(community, user) -> dict:
    can_create = can(user, "initiative.create", community)
    return {
        "initiatives": editing.initiatives_of(community, include_drafts=can_create),
        "can_create": can_create,
        "community": community,
    }


register_community_section("initiatives/_community_section.html", _section)
bp.add_app_template_global(initiative_actions)  # buttons higher features add for leaders


# --- loading, and what the catalog pages share ---------------------------------------


def load_initiative(initiative_id: int, action: str = "initiative.view") -> Initiative:
    """The initiative, after checking the current user may do `action` on it."""
    initiative = editing.get_initiative(initiative_id)
    if initiative is None:
        abort(404)
    require("initiative.view", initiative, hide=True)
    if action != "initiative.view":
        require(action, initiative)
    return initiative


def load_public_initiative(initiative_id: int, taking_part: bool = False) -> Initiative:
    """A public initiative for anyone, signed in or not; 404 where there is none."""
    initiative = editing.get_initiative(initiative_id)
    if initiative is None or not can(current_user, "initiative.view_public", initiative):
        abort(404)
    if taking_part and not initiative.is_active:
        abort(404)
    return initiative


def load_item(initiative: Initiative, item_id: int, statuses=None) -> CatalogItem:
    item = db.get_or_404(CatalogItem, item_id)
    if item.initiative_id != initiative.id or (statuses and item.status not in statuses):
        abort(404)
    return item


def catalog_filters(statuses) -> dict:
    category = request.args.get("category", "")[:80] or None
    status = request.args.get("status", "")
    status = ItemStatus(status) if status in ItemStatus._value2member_map_ else None
    if status is not None and status not in statuses:
        status = None
    return {"category": category, "status": status, "text": request.args.get("q", "")[:100]}


def catalog_page(ids_query):
    """One page of a catalog: paged over the items' ids, then the page's items loaded."""
    return page_of_ids(ids_query, PER_PAGE, CatalogItem, *catalog_queries.ITEM_PEOPLE)


PAGER_FILTERS = ("category", "status", "q", "source")


def pager_args() -> dict:
    """The page's URL arguments and its own filters, for its paging links: never the rest
    of the query string, where `_method`, `_external` or `_scheme` would steer `url_for`."""
    args = {key: request.args[key] for key in PAGER_FILTERS if request.args.get(key)}
    return {**args, **request.view_args}


def reservation_share(initiative: Initiative) -> reservations.Share:
    """The signed-in person's reservations of the catalog; for others, only the limit."""
    user_id = current_user.id if current_user.is_authenticated else None
    return reservations.reservation_share(initiative, user_id=user_id)


# --- the initiative page, creating and editing ------------------------------------------


def _initiative_values(form: InitiativeForm) -> dict:
    return {
        "title": form.title.data,
        "kind": InitiativeKind(form.kind.data),
        "description": form.description.data or "",
        "goal": form.goal.data or "",
        "target": form.target.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "status": InitiativeStatus(form.status.data),
        "is_public": form.is_public.data,
        "beneficiary": form.beneficiary.data or "",
        "currency": form.currency.data,
        "suggested_donation": form.suggested_donation.data,
        "categories": form.categories.data or "",
        "reservation_days": form.reservation_days.data,
        "payment_instructions": form.payment_instructions.data or "",
    }


def form_status() -> int:
    """400 for a form page shown again after a POST: one that went through has redirected."""
    return 400 if request.method == "POST" else 200


def _render_form(form: InitiativeForm, community, initiative: Initiative | None = None):
    return render_template(
        "initiatives/form.html", form=form, community=community, initiative=initiative
    ), form_status()


@bp.route("/communities/<slug>/initiatives/new", methods=["GET", "POST"])
def create(slug: str):
    community = load_community(slug, "initiative.create")
    form = InitiativeForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: editing.create_initiative(current_user, community, **_initiative_values(form)),
            done=lambda initiative: _("Initiative %(title)s saved.", title=initiative.title),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("initiatives.show", initiative_id=outcome.value.id))
    return _render_form(form, community)


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
def edit(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    form = InitiativeForm(obj=initiative)
    if request.method == "GET":
        form.kind.data = initiative.kind.value
        form.status.data = initiative.status.value
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: editing.update_initiative(current_user, initiative, **_initiative_values(form)),
            done=_("Initiative saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    return _render_form(form, initiative.community, initiative)


@bp.route("/initiatives/<int:initiative_id>")
def show(initiative_id: int):
    initiative = load_initiative(initiative_id)
    manage = can(current_user, "initiative.manage", initiative)
    context = {"initiative": initiative, "manage": manage, "page": None}
    if initiative.is_catalog:
        statuses = tuple(ItemStatus) if manage else COUNTED_ITEM_STATUSES
        filters = catalog_filters(statuses)
        context.update(
            page=catalog_page(
                catalog_queries.catalog_ids_query(initiative, statuses=statuses, **filters)
            ),
            filters=filters,
            statuses=statuses,
            by_category=counts.totals_by_category(initiative),
            by_day=counts.donations_by_day(initiative) if manage else [],
            pager_args=pager_args(),
            share=reservation_share(initiative),
        )
    else:
        context["is_in"] = leads.is_in(initiative, current_user)
    context["totals"] = counts.totals(initiative)
    return render_template("initiatives/show.html", **context)


# --- "I'm in" / "I'm out" (general initiatives) ------------------------------------------


def _lead_source() -> str | None:
    """Where the person came from, as the public interest form has it (`?source=`)."""
    return request.args.get("source", "")[:80] or None


@bp.route("/initiatives/<int:initiative_id>/in", methods=["POST"])
def join_interest(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.show_interest")
    user, source = current_user._get_current_object(), _lead_source()
    commands.run(
        lambda: leads.join_interest(initiative, user, source),
        done=_("You are in. The organisers count on you."),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative.id))


@bp.route("/initiatives/<int:initiative_id>/out", methods=["POST"])
def withdraw_interest(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.show_interest")
    user = current_user._get_current_object()
    commands.run(
        lambda: leads.withdraw_interest(initiative, user),
        done=(_('You are out. You may come back with "I\'m in" while it is open.'), "info"),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative.id))


# --- leads ---------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/leads", endpoint="leads")
def leads_page(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    page = paginate(leads.leads_query(initiative), 50)
    return render_template(
        "initiatives/leads.html",
        initiative=initiative,
        page=page,
        sources=source_labels(lead.source for lead in page.items),
    )


@bp.route("/initiatives/<int:initiative_id>/leads.csv")
def leads_csv(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    return Response(
        leads.leads_csv(initiative),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=initiative-{initiative.id}-leads.csv"
        },
    )


# --- outside participants (admins) --------------------------------------------------


@bp.route("/admin/participants", endpoint="participants")
def participants_page():
    require("initiative.forget_participants")
    term = request.args.get("q", "").strip()[:254]
    page = paginate(participants.participants_query(term), 50)
    return render_template("initiatives/participants.html", page=page, term=term)


@bp.route("/admin/participants/<int:participant_id>/forget", methods=["GET", "POST"])
def forget_participant(participant_id: int):
    require("initiative.forget_participants")
    participant = db.get_or_404(Participant, participant_id)
    if request.method == "GET":
        return ask_first(
            _("Forget %(name)s?", name=participant.name),
            detail=_("Their name and e-mail are erased for good; their books and leads stay."),
            button=_("Forget this person"),
            cancel=url_for("initiatives.participants"),
        )
    commands.run(
        lambda: participants.forget_participant(current_user, participant),
        done=_("The participant's name and e-mail are erased; their books and leads stay."),
    )
    return redirect(url_for("initiatives.participants"))
