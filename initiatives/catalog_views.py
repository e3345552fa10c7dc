"""A catalog's pages for colleagues: offering and requesting books, the leaders' actions on
them, covers, and the CSV import. (The routes join the initiatives blueprint.)"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core import commands
from core.confirm import ask_first
from core.images import image_response
from core.limits import accepts_files
from core.permissions import can, require
from core.security import safe_redirect_target
from initiatives import catalog_import, catalog_items, covers, editing, reservations
from initiatives.forms import (
    ConfirmDonationForm,
    ConfirmImportForm,
    ImportForm,
    OfferForm,
    RequestForm,
)
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    ItemCondition,
    ItemStatus,
)
from initiatives.views import bp, form_status, load_initiative, load_item, reservation_share


def offer_details(form) -> dict:
    """The book described in an offer form (employees' and outsiders' alike)."""
    return {
        "title": form.title.data,
        "author": form.author.data or "",
        "category": form.category.data,
        "condition": ItemCondition(form.condition.data),
        "cover": form.cover.data or None,
    }


@bp.route("/initiatives/<int:initiative_id>/offer", methods=["GET", "POST"])
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
def offer(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.take_part")
    form = OfferForm().set_categories(initiative.category_list)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        outcome = commands.run(
            lambda: catalog_items.offer_item(initiative, user=user, **offer_details(form)),
            done=_("Thank you! Your book is in the catalog."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("initiatives.show", initiative_id=initiative.id))
    return render_template(
        "initiatives/offer.html", form=form, initiative=initiative
    ), form_status()


def reserve(form, initiative: Initiative, item: CatalogItem, done: str, **who) -> bool:
    """Reserve the book; a refusal goes beside the field it is about, the form kept."""
    pledged = form.pledged.data
    return commands.run(
        lambda: reservations.request_item(initiative.id, item.id, pledged=pledged, **who),
        done=done,
        form=form,
    ).ok


def request_page(form, initiative: Initiative, item: CatalogItem, *, public: bool):
    return render_template(
        "initiatives/request.html",
        form=form,
        initiative=initiative,
        item=item,
        public=public,
        share=reservation_share(initiative),
    ), form_status()


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/request", methods=["GET", "POST"])
def request_item(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.take_part")
    item = load_item(initiative, item_id, COUNTED_ITEM_STATUSES)
    form = RequestForm()
    if request.method == "GET" and initiative.suggested_donation:
        form.pledged.data = initiative.suggested_donation
    if form.validate_on_submit() and reserve(
        form,
        initiative,
        item,
        _("The book is reserved for you. Please make your donation to confirm it."),
        user=current_user._get_current_object(),
    ):
        return redirect(url_for("initiatives.show", initiative_id=initiative_id))
    return request_page(form, initiative, item, public=False)


@bp.post("/initiatives/<int:initiative_id>/items/<int:item_id>/cancel")
def cancel_reservation(initiative_id: int, item_id: int):
    """The person who reserved the book cancels the reservation (from home or the catalog)."""
    require("site.browse")
    initiative = load_initiative(initiative_id)
    commands.run(
        lambda: reservations.cancel_reservation(current_user, initiative.id, item_id),
        done=_("Your reservation is cancelled; the book is available again."),
    )
    return redirect(
        safe_redirect_target(
            request.form.get("next"), url_for("initiatives.show", initiative_id=initiative_id)
        )
    )


# --- the leaders' actions on a book ------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/confirm", methods=["GET", "POST"])
def confirm(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    item = load_item(initiative, item_id)
    form = ConfirmDonationForm()
    if request.method == "GET":
        if item.status != ItemStatus.RESERVED:
            # Released, exchanged or never requested since the catalog was opened: say so
            # now, not after the amount is typed (the service refuses it all the same).
            flash(_("Only a reserved book can be exchanged."), "warning")
            return redirect(url_for("initiatives.show", initiative_id=initiative_id))
        form.amount.data = item.pledged_amount or initiative.suggested_donation
    if form.validate_on_submit():
        amount = form.amount.data
        outcome = commands.run(
            lambda: catalog_items.confirm_donation(current_user, initiative, item.id, amount),
            done=_("Donation confirmed: the book is exchanged."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("initiatives.show", initiative_id=initiative_id))
    return render_template(
        "initiatives/confirm.html", form=form, initiative=initiative, item=item
    ), form_status()


@bp.post("/initiatives/<int:initiative_id>/items/<int:item_id>/release")
def release(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    commands.run(
        lambda: catalog_items.release_reservation(current_user, initiative, item_id),
        done=_("The reservation is released."),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative_id))


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/withdraw", methods=["GET", "POST"])
def withdraw(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    if request.method == "GET":
        item = load_item(initiative, item_id)
        return ask_first(
            _("Withdraw “%(title)s” from the catalog?", title=item.title),
            detail=_("No one can request it any more; it stays in the initiative's history."),
            button=_("Withdraw"),
            cancel=url_for("initiatives.show", initiative_id=initiative_id),
        )
    commands.run(
        lambda: catalog_items.withdraw_item(current_user, initiative, item_id),
        done=_("The book is withdrawn from the catalog."),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative_id))


@bp.post("/initiatives/<int:initiative_id>/items/<int:item_id>/approve")
def approve(initiative_id: int, item_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    commands.run(
        lambda: catalog_items.approve_item(current_user, initiative, item_id),
        done=_("The book is in the catalog now."),
    )
    return redirect(url_for("initiatives.show", initiative_id=initiative_id, status="pending"))


@bp.route("/initiatives/<int:initiative_id>/items/<int:item_id>/cover")
def cover(initiative_id: int, item_id: int):
    initiative = editing.get_initiative(initiative_id)
    if initiative is None:
        abort(404)
    manage = can(current_user, "initiative.manage", initiative)
    visible = can(current_user, "initiative.view", initiative) or can(
        current_user, "initiative.view_public", initiative
    )
    if not visible:
        abort(404)
    item = load_item(initiative, item_id, None if manage else COUNTED_ITEM_STATUSES)
    if not item.cover_file:
        abort(404)
    path = covers.cover_path(item.cover_file, thumb=request.args.get("size") == "thumb")
    if not path.is_file():
        abort(404)
    return image_response(path)


# --- bulk import ------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/import", methods=["GET", "POST"])
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
def import_items(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    form = ImportForm()
    rows, confirm_form = None, None
    if form.validate_on_submit():
        data = form.csv_file.data.read()
        # Only a preview: the boundary writes nothing, and shows a refused file by its field.
        outcome = commands.run(
            lambda: catalog_import.preview_catalog_csv(initiative, data), form=form
        )
        if outcome.ok:
            text, rows = outcome.value
            if not all(row.errors for row in rows):  # at least one book to import
                skip = any(row.errors for row in rows)
                confirm_form = ConfirmImportForm(
                    formdata=None, csv_text=text, skip_broken="1" if skip else ""
                )
    failed = bool(form.errors) or bool(rows and any(row.errors for row in rows))
    return render_template(
        "initiatives/import.html",
        form=form,
        initiative=initiative,
        rows=rows,
        confirm_form=confirm_form,
    ), (400 if failed else 200)


def _imported(result: tuple[int, list[int]]) -> str:
    count, skipped = result
    done = ngettext("%(num)s book imported.", "%(num)s books imported.", count)
    if skipped:
        lines = ", ".join(str(line) for line in skipped)
        done += " " + ngettext(
            "Line %(lines)s was skipped.", "Lines %(lines)s were skipped.", len(skipped),
            lines=lines,
        )  # fmt: skip
    return done


@bp.post("/initiatives/<int:initiative_id>/import/confirm")
def confirm_import(initiative_id: int):
    initiative = load_initiative(initiative_id, "initiative.manage")
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash(_("Upload the file again: the import was not confirmed."), "danger")
    elif commands.run(
        lambda: catalog_import.import_catalog_csv(
            current_user, initiative, form.csv_text.data, skip_broken=form.skip_broken.data == "1"
        ),
        done=_imported,
    ).ok:
        return redirect(url_for("initiatives.show", initiative_id=initiative_id))
    return render_template(
        "initiatives/import.html",
        form=ImportForm(formdata=None),
        initiative=initiative,
        rows=None,
        confirm_form=None,
    ), 400
