"""Report routes in the permission matrix."""

from tests.matrix import Case, no_args, only

LEADERS = ("leader", "admin")


def _slug(world) -> dict:
    return {"slug": world.community.slug}


CASES = [
    Case("reports.overview", "GET", no_args, only("smm", "admin")),
    Case("reports.overview_csv", "GET", no_args, only("smm", "admin")),
    Case("reports.community_report", "GET", _slug, only(*LEADERS)),
    Case("reports.community_report_csv", "GET", _slug, only(*LEADERS)),
    Case("reports.community_report_markdown", "GET", _slug, only(*LEADERS)),
]


def prepare(world) -> None:
    pass
