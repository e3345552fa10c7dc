"""The attendee list as CSV, safe to open in a spreadsheet."""

import csv
import io

from flask_babel import gettext as _
from flask_babel import pgettext

from core.spreadsheets import safe_cell
from events.models import Registration


def attendees_csv(registrations: list[Registration]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    name = pgettext("person", "Name")
    writer.writerow([name, _("Email"), _("Status"), _("Registered at (UTC)"), _("Attended")])
    for registration in registrations:
        writer.writerow(
            safe_cell(value)
            for value in (
                registration.user.display_name,
                registration.user.email,
                registration.status.value,
                registration.requested_at.strftime("%Y-%m-%d %H:%M:%S"),
                _("yes") if registration.attended else _("no"),
            )
        )
    return out.getvalue()
