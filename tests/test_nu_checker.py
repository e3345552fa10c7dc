"""The Nu checker helper finds errors, names the page they are on, and leaves warnings out."""

from tests.nu_checker import nu_errors

VALID = '<!doctype html><html lang="en"><head><title>Fine</title></head><body><p>Hi</p></body>'
BROKEN = (
    '<!doctype html><html lang="en"><head><title>Broken</title></head><body>'
    '<form action=""><input id="a" type="hidden"><input id="a" type="hidden"></form>'
    "<section><p>A section without a heading is only a warning.</p></section></body></html>"
)


def test_one_run_checks_every_page_and_reports_errors_by_page_name():
    errors = nu_errors({"fine page": VALID, "broken page": BROKEN, "fine again": VALID})
    assert {error.page for error in errors} == {"broken page"}
    assert sorted(error.message for error in errors) == [
        "Bad value “” for attribute “action” on element “form”: Must be non-empty.",
        "Duplicate ID “a”.",
    ]
