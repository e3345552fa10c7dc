"""An initiative's public page: anyone, signed in or not, may see its books, offer and
request one, or register interest. (The routes join the initiatives blueprint.)"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.public_views import register_public_section
from core import commands
from core.extensions import limiter
from core.limits import accepts_files
from initiatives import catalog_items, catalog_queries, counts, editing, leads
from initiatives.catalog_views import offer_details, request_page, reserve
from initiatives.forms import InterestForm, PublicOfferForm, PublicRequestForm, RequestForm
from initiatives.models import COUNTED_ITEM_STATUSES, Initiative, ItemStatus
from initiatives.participants import Outsider
from initiatives.views import (
    bp,
    catalog_filters,
    catalog_page,
    form_status,
    load_item,
    load_public_initiative,
    pager_args,
    public_form_limit,
    reservation_share,
)

PUBLIC_STATUSES = (ItemStatus.AVAILABLE,)


def _public_initiatives(community) -> dict:
    # Only the running initiatives its leaders made public, each with its public page.
    running = editing.initiatives_of(community)
    return {"initiatives": [initiative for initiative in running if initiative.is_public]}


register_public_section("initiatives/_community_public.html", _public_initiatives)


def _outsider(form) -> Outsider:
    source = request.args.get("source", "")[:80] or None
    return Outsider(name=form.name.data, email=form.email.data, source=source)


@bp.route("/public/initiatives/<int:initiative_id>")
def public_show(initiative_id: int):
    initiative = load_public_initiative(initiative_id)
    context = {"page": None}
    if initiative.is_catalog:
        filters = catalog_filters(PUBLIC_STATUSES)
        filters["status"] = None
        query = catalog_queries.catalog_ids_query(initiative, statuses=PUBLIC_STATUSES, **filters)
        context.update(
            page=catalog_page(query),
            filters=filters,
            pager_args=pager_args(),
            share=reservation_share(initiative),
        )
    return render_template(
        "initiatives/public.html",
        initiative=initiative,
        totals=counts.totals(initiative),
        **context,
    )


def _thank_spam(initiative: Initiative):
    # A robot filled in the hidden field: it is told all went well, and nothing is kept.
    flash(_("Thank you! The organisers will be in touch."), "success")
    return redirect(url_for("initiatives.public_show", initiative_id=initiative.id))


@bp.route("/public/initiatives/<int:initiative_id>/offer", methods=["GET", "POST"])
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
@limiter.limit(public_form_limit, methods=["POST"])
def public_offer(initiative_id: int):
    initiative = load_public_initiative(initiative_id, taking_part=True)
    if not initiative.is_catalog:
        abort(404)
    form = PublicOfferForm().set_categories(initiative.category_list)
    if form.validate_on_submit():
        if form.is_spam:
            return _thank_spam(initiative)
        outsider = _outsider(form)
        outcome = commands.run(
            lambda: catalog_items.offer_item(initiative, outsider=outsider, **offer_details(form)),
            done=_("Thank you! The organisers will check your book and add it to the catalog."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("initiatives.public_show", initiative_id=initiative.id))
    return render_template(
        "initiatives/public_offer.html", form=form, initiative=initiative
    ), form_status()


@bp.route(
    "/public/initiatives/<int:initiative_id>/items/<int:item_id>/request",
    methods=["GET", "POST"],
)
@limiter.limit(public_form_limit, methods=["POST"])
def public_request(initiative_id: int, item_id: int):
    initiative = load_public_initiative(initiative_id, taking_part=True)
    if not initiative.is_catalog:
        abort(404)
    item = load_item(initiative, item_id, COUNTED_ITEM_STATUSES)
    # Signed in, people reserve as themselves, whatever address they might type: their
    # share is their account's.
    signed_in = current_user.is_authenticated
    form = RequestForm() if signed_in else PublicRequestForm()
    if request.method == "GET" and initiative.suggested_donation:
        form.pledged.data = initiative.suggested_donation
    if form.validate_on_submit():
        if not signed_in and form.is_spam:
            return _thank_spam(initiative)
        who = (
            {"user": current_user._get_current_object()}
            if signed_in
            else {"outsider": _outsider(form)}
        )
        done = _("The book is reserved for you. The organisers will contact you by email.")
        if reserve(form, initiative, item, done, **who):
            return redirect(url_for("initiatives.public_show", initiative_id=initiative_id))
    return request_page(form, initiative, item, public=True)


@bp.route("/public/initiatives/<int:initiative_id>/interest", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def public_interest(initiative_id: int):
    initiative = load_public_initiative(initiative_id, taking_part=True)
    form = InterestForm()
    if form.validate_on_submit():
        if form.is_spam:
            return _thank_spam(initiative)
        outsider = _outsider(form)
        outcome = commands.run(
            lambda: leads.register_interest(initiative, outsider),
            done=_("Thank you! The organisers will be in touch."),
        )
        if outcome.ok:
            return redirect(url_for("initiatives.public_show", initiative_id=initiative.id))
    return render_template("initiatives/public_interest.html", form=form, initiative=initiative), (
        400 if form.errors else 200
    )
