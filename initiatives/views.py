"""Initiative pages: the initiative and its catalog, leaders' tools, and the public page."""

import mimetypes
from decimal import Decimal
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.views import load_community, register_community_section
from core.errors import DomainError
from core.extensions import db, limiter
from core.limits import accepts_files
from core.navigation import add_nav_item
from core.paging import page_of_ids, paginate
from core.permissions import can, require
from core.views import commit_or_flash
from initiatives import covers, services
from initiatives.forms import (
    CONDITION_LABELS,
    STATUS_LABELS,
    ConfirmDonationForm,
    ConfirmImportForm,
    ImportForm,
    InitiativeForm,
    InterestForm,
    OfferForm,
    PublicOfferForm,
    PublicRequestForm,
    RequestForm,
)
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    ItemCondition,
    ItemStatus,
    Participant,
)
from initiatives.page_actions import initiative_actions

bp = Blueprint("initiatives", __name__)
add_nav_item("initiatives.participants", _l("Participants"), "initiative.forget_participants", 90)
PER_PAGE = 24
PUBLIC_STATUSES = (ItemStatus.AVAILABLE,)


def _public_form_limit() -> str:
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


@bp.app_template_filter("catalog_number")
def catalog_number(value) -> str:
    return format_decimal(value or 0)


def _section(community, user) -> dict:
    can_create = can(user, "initiative.create", community)
    return {
        "initiatives": services.initiatives_of(community, include_drafts=can_create),
        "can_create": can_create,
        "community": community,
    }


register_community_section("initiatives/_community_section.html", _section)
bp.add_app_template_global(initiative_actions)  # buttons higher features add for leaders


# --- loading -------------------------------------------------------------------


def load_initiative(initiative_id: int, action: str = "initiative.view") -> Initiative:
    """The initiative, after checking the current user may do `action` on it."""
    initiative = services.get_initiative(initiative_id)
    if initiative is None:
        abort(404)
    require("initiative.view", initiative, hide=True)
    if action != "initiative.view":
        require(action, initiative)
    return initiative


def load_public_initiative(initiative_id: int, taking_part: bool = False) -> Initiative:
    """A public initiative for anyone, signed in or not; 404 where there is none."""
    initiative = services.get_initiative(initiative_id)
    if initiative is None or not can(current_user, "initiative.view_public", initiative):
        abort(404)
    if taking_part and not initiative.is_active:
        abort(404)
    return initiative


def _load_item(initiative: Initiative, item_id: int, statuses=None) -> CatalogItem:
    item = db.get_or_404(CatalogItem, item_id)
    if item.initiative_id != initiative.id or (statuses and item.status not in statuses):
        abort(404)
    return item


def _catalog_filters(statuses) -> dict:
    category = request.args.get("category", "")[:80] or None
    status = request.args.get("status", "")
    status = ItemStatus(status) if status in ItemStatus._value2member_map_ else None
    if status is not None and status not in statuses:
        status = None
    return {"category": category, "status": status, "text": request.args.get("q", "")[:100]}


def _outsider(form) -> services.Outsider:
    source = request.args.get("source", "")[:80] or None
    return services.Outsider(name=form.name.data, email=form.email.data, source=source)


def _check_reservations(initiative: Initiative) -> None:
    """Reservations that ran out are released as soon as someone looks (also a CLI command)."""
    if services.expire_reservations(initiative):
        db.session.commit()


PAGER_FILTERS = ("category", "status", "q", "source")


def _pager_args() -> dict:
    """The page's URL arguments and its own filters, for its paging links: never the rest
    of the query string, where `_method`, `_external` or `_scheme` would steer `url_for`."""
    args = {key: request.args[key] for key in PAGER_FILTERS if request.args.get(key)}
    return {**args, **request.view_args}


# --- creating and editing -------------------------------------------------------


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
    }


@bp.route("/communities/<slug>/initiatives/new", methods=["GET", "POST"])
def create(slug: str):
    community = load_community(slug, "initiative.create")
    form = InitiativeForm()
    if form.validate_on_submit():
        try:
            initiative = services.create_initiative(
                current_user, community, **_initiative_values(form)
            )
        except DomainError as error:
            db.session.rollback()
            form.title.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Initiative %(title)s saved.", title=initiative.title), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    return render_template("initiatives/form.html", form=form, community=community), (
        400 if form.errors else 200
    )


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
def edit(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    form = InitiativeForm(obj=initiative)
    if request.method == "GET":
        form.kind.data = initiative.kind.value
        form.status.data = initiative.status.value
    if form.validate_on_submit():
        try:
            services.update_initiative(current_user, initiative, **_initiative_values(form))
        except DomainError as error:
            db.session.rollback()
            form.title.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Initiative saved."), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    return render_template(
        "initiatives/form.html", form=form, community=initiative.community, initiative=initiative
    ), (400 if form.errors else 200)


# --- the initiative page and its catalog -----------------------------------------


def _catalog_page(ids_query):
    """One page of a catalog: paged over the items' ids, then the page's items loaded."""
    return page_of_ids(ids_query, PER_PAGE, CatalogItem, *services.ITEM_PEOPLE)


@bp.route("/initiatives/<int:initiative_id>")
def show(initiative_id: int):
    initiative = load_initiative(initiative_id)
    manage = can(current_user, "initiative.manage", initiative)
    context = {"initiative": initiative, "manage": manage, "page": None}
    if initiative.is_catalog:
        _check_reservations(initiative)
        statuses = tuple(ItemStatus) if manage else COUNTED_ITEM_STATUSES
        filters = _catalog_filters(statuses)
        context.update(
            page=_catalog_page(
                services.catalog_ids_query(initiative, statuses=statuses, **filters)
            ),
            filters=filters,
            statuses=statuses,
            by_category=services.totals_by_category(initiative),
            by_day=services.donations_by_day(initiative) if manage else [],
            pager_args=_pager_args(),
            share=_share(initiative),
        )
    context["totals"] = services.totals(initiative)
    return render_template("initiatives/show.html", **context)


@bp.route("/initiatives/<int:initiative_id>/offer", methods=["GET", "POST"])
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
def offer(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.take_part")
    form = OfferForm().set_categories(initiative.category_list)
    if form.validate_on_submit():
        try:
            services.offer_item(
                initiative,
                title=form.title.data,
                author=form.author.data or "",
                category=form.category.data,
                condition=ItemCondition(form.condition.data),
                cover=form.cover.data or None,
                user=current_user._get_current_object(),
            )
        except DomainError as error:
            db.session.rollback()
            (form.cover if form.cover.data else form.title).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Thank you! Your book is in the catalog."), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    return render_template("initiatives/offer.html", form=form, initiative=initiative), (
        400 if form.errors else 200
    )


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/request", methods=["GET", "POST"])
def request_item(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.take_part")
    item = _load_item(initiative, item_id, COUNTED_ITEM_STATUSES)
    form = RequestForm()
    if request.method == "GET" and initiative.suggested_donation:
        form.pledged.data = initiative.suggested_donation
    if form.validate_on_submit() and _reserved(
        form, initiative, item, user=current_user._get_current_object()
    ):
        flash(
            _("The book is reserved for you. Please make your donation to confirm it."), "success"
        )
        return redirect(url_for("initiatives.show", initiative_id=initiative_id))
    return _request_page(form, initiative, item, public=False)


def _reserved(form, initiative: Initiative, item: CatalogItem, **who) -> bool:
    """Reserve the book; a refusal goes beside the field it is about, the form kept."""
    try:
        services.request_item(initiative.id, item.id, pledged=form.pledged.data, **who)
    except DomainError as error:
        db.session.rollback()
        field = form.email if isinstance(error, services.SignInToReserve) else form.pledged
        field.errors.append(error.message)
        return False
    db.session.commit()
    return True


def _share(initiative: Initiative) -> services.Share:
    """The signed-in person's reservations of the catalog; for others, only the limit."""
    user_id = current_user.id if current_user.is_authenticated else None
    return services.reservation_share(initiative, user_id=user_id)


def _request_page(form, initiative: Initiative, item: CatalogItem, *, public: bool):
    return render_template(
        "initiatives/request.html",
        form=form,
        initiative=initiative,
        item=item,
        public=public,
        share=_share(initiative),
    ), (400 if form.errors else 200)


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/confirm", methods=["GET", "POST"])
def confirm(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    item = _load_item(initiative, item_id)
    form = ConfirmDonationForm()
    if request.method == "GET":
        form.amount.data = item.pledged_amount or initiative.suggested_donation
    if form.validate_on_submit():
        try:
            services.confirm_donation(current_user, initiative, item.id, form.amount.data)
        except DomainError as error:
            db.session.rollback()
            form.amount.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Donation confirmed: the book is exchanged."), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative_id))
    return render_template(
        "initiatives/confirm.html", form=form, initiative=initiative, item=item
    ), (400 if form.errors else 200)


@bp.post("/initiatives/<int:initiative_id>/items/<int:item_id>/release")
def release(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    commit_or_flash(
        _("The reservation is released."),
        lambda: services.release_reservation(current_user, initiative, item_id),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative_id))


@bp.post("/initiatives/<int:initiative_id>/items/<int:item_id>/withdraw")
def withdraw(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    commit_or_flash(
        _("The book is withdrawn from the catalog."),
        lambda: services.withdraw_item(current_user, initiative, item_id),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative_id))


@bp.post("/initiatives/<int:initiative_id>/items/<int:item_id>/approve")
def approve(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    commit_or_flash(
        _("The book is in the catalog now."),
        lambda: services.approve_item(current_user, initiative, item_id),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative_id, status="pending"))


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/cover")
def cover(initiative_id: int, item_id: int):
    initiative = services.get_initiative(initiative_id)
    if initiative is None:
        abort(404)
    manage = can(current_user, "initiative.manage", initiative)
    visible = can(current_user, "initiative.view", initiative) or can(
        current_user, "initiative.view_public", initiative
    )
    if not visible:
        abort(404)
    item = _load_item(initiative, item_id, None if manage else COUNTED_ITEM_STATUSES)
    if not item.cover_file:
        abort(404)
    path = covers.cover_path(item.cover_file, thumb=request.args.get("size") == "thumb")
    if not path.is_file():
        abort(404)
    # Read whole (covers are small) so no file handle outlives the request.
    response = send_file(
        BytesIO(path.read_bytes()), mimetype=mimetypes.guess_type(path.name)[0], max_age=3600
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- bulk import ------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/import", methods=["GET", "POST"])
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
def import_items(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    form = ImportForm()
    rows, confirm_form = None, None
    if form.validate_on_submit():
        try:
            text = form.csv_file.data.read().decode("utf-8-sig")
            rows = services.parse_catalog_csv(initiative, text)
        except UnicodeDecodeError:
            form.csv_file.errors.append(_("Save the file as UTF-8 CSV and upload it again."))
        except DomainError as error:
            form.csv_file.errors.append(error.message)
        else:
            if not any(row.errors for row in rows):
                confirm_form = ConfirmImportForm(formdata=None, csv_text=text)
    failed = bool(form.errors) or bool(rows and any(row.errors for row in rows))
    return render_template(
        "initiatives/import.html",
        form=form,
        initiative=initiative,
        rows=rows,
        confirm_form=confirm_form,
    ), (400 if failed else 200)


@bp.post("/initiatives/<int:initiative_id>/import/confirm")
def confirm_import(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    form = ConfirmImportForm()
    if form.validate_on_submit():
        try:
            count = services.import_catalog_csv(current_user, initiative, form.csv_text.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(count)s books imported.", count=count), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative_id))
    else:
        flash(_("Upload the file again: the import was not confirmed."), "danger")
    return render_template(
        "initiatives/import.html",
        form=ImportForm(formdata=None),
        initiative=initiative,
        rows=None,
        confirm_form=None,
    ), 400


# --- leads ---------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/leads")
def leads(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    return render_template(
        "initiatives/leads.html",
        initiative=initiative,
        page=paginate(services.leads_query(initiative), 50),
    )


@bp.route("/initiatives/<int:initiative_id>/leads.csv")
def leads_csv(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    return Response(
        services.leads_csv(initiative),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=initiative-{initiative.id}-leads.csv"
        },
    )


# --- the public page -------------------------------------------------------------------


@bp.route("/public/initiatives/<int:initiative_id>")
def public_show(initiative_id: int):
    initiative = load_public_initiative(initiative_id)
    context = {"page": None}
    if initiative.is_catalog:
        _check_reservations(initiative)
        filters = _catalog_filters(PUBLIC_STATUSES)
        filters["status"] = None
        query = services.catalog_ids_query(initiative, statuses=PUBLIC_STATUSES, **filters)
        context.update(
            page=_catalog_page(query),
            filters=filters,
            pager_args=_pager_args(),
            share=_share(initiative),
        )
    return render_template(
        "initiatives/public.html",
        initiative=initiative,
        totals=services.totals(initiative),
        **context,
    )


def _thank_spam(initiative: Initiative):
    # A robot filled in the hidden field: it is told all went well, and nothing is kept.
    flash(_("Thank you! The organisers will be in touch."), "success")
    return redirect(url_for("initiatives.public_show", initiative_id=initiative.id))


@bp.route("/public/initiatives/<int:initiative_id>/offer", methods=["GET", "POST"])
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
@limiter.limit(_public_form_limit, methods=["POST"])
def public_offer(initiative_id: int):
    initiative = load_public_initiative(initiative_id, taking_part=True)
    if not initiative.is_catalog:
        abort(404)
    form = PublicOfferForm().set_categories(initiative.category_list)
    if form.validate_on_submit():
        if form.is_spam:
            return _thank_spam(initiative)
        try:
            services.offer_item(
                initiative,
                title=form.title.data,
                author=form.author.data or "",
                category=form.category.data,
                condition=ItemCondition(form.condition.data),
                cover=form.cover.data or None,
                outsider=_outsider(form),
            )
        except DomainError as error:
            db.session.rollback()
            (form.cover if form.cover.data else form.title).errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _("Thank you! The organisers will check your book and add it to the catalog."),
                "success",
            )
            return redirect(url_for("initiatives.public_show", initiative_id=initiative.id))
    return render_template("initiatives/public_offer.html", form=form, initiative=initiative), (
        400 if form.errors else 200
    )


@bp.route(
    "/public/initiatives/<int:initiative_id>/items/<int:item_id>/request",
    methods=["GET", "POST"],
)
@limiter.limit(_public_form_limit, methods=["POST"])
def public_request(initiative_id: int, item_id: int):
    initiative = load_public_initiative(initiative_id, taking_part=True)
    if not initiative.is_catalog:
        abort(404)
    item = _load_item(initiative, item_id, COUNTED_ITEM_STATUSES)
    # Signed in, people reserve as themselves, whatever address they might type: their
    # share is their account's.
    signed_in = current_user.is_authenticated
    form = RequestForm() if signed_in else PublicRequestForm()
    if request.method == "GET" and initiative.suggested_donation:
        form.pledged.data = initiative.suggested_donation
    if form.validate_on_submit():
        if not signed_in and form.is_spam:
            return _thank_spam(initiative)
        who = {"user": current_user._get_current_object()} if signed_in else {}
        if _reserved(form, initiative, item, **(who or {"outsider": _outsider(form)})):
            flash(
                _("The book is reserved for you. The organisers will contact you by email."),
                "success",
            )
            return redirect(url_for("initiatives.public_show", initiative_id=initiative_id))
    return _request_page(form, initiative, item, public=True)


@bp.route("/public/initiatives/<int:initiative_id>/interest", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def public_interest(initiative_id: int):
    initiative = load_public_initiative(initiative_id, taking_part=True)
    form = InterestForm()
    if form.validate_on_submit():
        if form.is_spam:
            return _thank_spam(initiative)
        try:
            services.register_interest(initiative, _outsider(form))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Thank you! The organisers will be in touch."), "success")
            return redirect(url_for("initiatives.public_show", initiative_id=initiative.id))
    return render_template("initiatives/public_interest.html", form=form, initiative=initiative), (
        400 if form.errors else 200
    )


# --- outside participants (admins) --------------------------------------------------


@bp.route("/admin/participants")
def participants():
    require("initiative.forget_participants")
    term = request.args.get("q", "").strip()[:254]
    page = paginate(services.participants_query(term), 50)
    return render_template("initiatives/participants.html", page=page, term=term)


@bp.post("/admin/participants/<int:participant_id>/forget")
def forget_participant(participant_id: int):
    require("initiative.forget_participants")
    participant = db.get_or_404(Participant, participant_id)
    try:
        services.forget_participant(current_user, participant)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("The participant's name and e-mail are erased; their books and leads stay."),
              "success")  # fmt: skip
    return redirect(url_for("initiatives.participants"))
