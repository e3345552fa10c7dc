"""Adding many books at once from a CSV file: a preview of every row, then all or nothing."""

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from core import audit
from core.errors import DomainError
from core.extensions import db
from initiatives.catalog_items import item_field_problem
from initiatives.editing import check_catalog
from initiatives.models import CatalogItem, Initiative, ItemCondition, ItemStatus

MAX_IMPORT_ROWS = 2000
CSV_COLUMNS = ("title", "author", "category", "condition")


@dataclass
class ImportRow:
    line: int
    title: str
    author: str
    category: str
    condition: str
    errors: list[str] = field(default_factory=list)


def _condition(value: str) -> ItemCondition | None:
    key = value.strip().lower().replace(" ", "_").replace("-", "_") or ItemCondition.GOOD.value
    return ItemCondition._value2member_map_.get(key)


def _refused(message: str) -> DomainError:
    return DomainError(message, field="csv_file")


def catalog_csv_text(data: bytes) -> str:
    """An uploaded file's text; it must be UTF-8 (a spreadsheet's byte-order mark is fine)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(_("Save the file as UTF-8 CSV and upload it again.")) from None


def parse_catalog_csv(initiative: Initiative, text: str) -> list[ImportRow]:
    """Every row with what is wrong with it; raises DomainError when the file itself is wrong."""
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if "title" not in headers or "category" not in headers:
        raise _refused(
            _("The first line must name the columns: title, author, category, condition.")
        )
    reader.fieldnames = headers
    rows: list[ImportRow] = []
    try:
        for record in reader:
            if len(rows) >= MAX_IMPORT_ROWS:
                raise _refused(
                    _("Import at most %(count)s books at a time.", count=MAX_IMPORT_ROWS)
                )
            values = {key: (record.get(key) or "").strip() for key in CSV_COLUMNS}
            if not any(values.values()):
                continue
            row = ImportRow(line=reader.line_num, **values)
            if None in record:
                row.errors.append(_("This row has more cells than there are columns."))
            problem = item_field_problem(initiative, row.title, row.author, row.category)
            if problem is not None:
                row.errors.append(problem[0])
            if _condition(row.condition) is None:
                row.errors.append(_("Condition must be like new, good, fair or worn."))
            rows.append(row)
    except csv.Error as error:
        raise _refused(_("This file is not a CSV file we can read.")) from error
    if not rows:
        raise _refused(_("The file has no books in it."))
    return rows


def preview_catalog_csv(initiative: Initiative, data: bytes) -> tuple[str, list[ImportRow]]:
    """An uploaded file's text and its rows, each with its problems: what the preview shows."""
    text = catalog_csv_text(data)
    return text, parse_catalog_csv(initiative, text)


def import_catalog_csv(
    actor: User, initiative: Initiative, text: str, skip_broken: bool = False
) -> tuple[int, list[int]]:
    """Add the rows as available books: every row, or none if any is wrong; with
    `skip_broken`, the good rows. Returns how many were added and the skipped lines."""
    check_catalog(initiative)
    rows = parse_catalog_csv(initiative, text)
    broken = [row for row in rows if row.errors]
    if skip_broken:
        rows = [row for row in rows if not row.errors]
        if not rows:
            raise DomainError(_("No row is right: correct the file and upload it again."))
    elif broken:
        raise DomainError(
            ngettext(
                "%(num)s row has errors; nothing was imported.",
                "%(num)s rows have errors; nothing was imported.",
                len(broken),
            )
        )
    items = [
        CatalogItem(
            initiative=initiative,
            title=row.title,
            author=row.author,
            category=row.category,
            condition=_condition(row.condition),
            status=ItemStatus.AVAILABLE,
            contributor_user_id=actor.id,
        )
        for row in rows
    ]
    db.session.add_all(items)
    skipped = [row.line for row in broken] if skip_broken else []
    detail = f"{len(items)} books" + (f"; skipped lines {skipped}" if skipped else "")
    audit.record(actor, "initiative.catalog_imported", initiative, detail)
    return len(items), skipped
