"""The Nu HTML check the browser session ends with sees each page the browser loads, and
fails on an invalid one."""

import shutil

import pytest

from tests.browser.conftest import check_html
from tests.conftest import missing_tool
from tests.nu_checker import JAR

VALID = '<!doctype html><html lang="en"><head><title>Fine</title></head><body><p>Hi</p></body>'
BROKEN = '<!doctype html><html lang="en"><head><title>x</title></head><body><form action="">'


def test_each_document_the_browser_loads_is_kept_as_the_server_sent_it(page, live_server):
    page.goto("/signin")
    page.request.get("/signup")  # not a page the browser shows
    kept = {name: html for name, html in live_server.documents.items() if name.startswith(
        "test_each_document_the_browser_loads_is_kept_as_the_server_sent_it ")}  # fmt: skip
    assert [name.split(" ", 2)[2] for name in kept] == ["GET /signin (200)"]
    assert 'name="password"' in next(iter(kept.values()))


def test_the_check_fails_on_an_invalid_page_and_names_it():
    if shutil.which("java") is None or not JAR.exists():
        missing_tool("the Nu HTML checker needs java and node_modules/vnu-jar (npm install)")
    with pytest.raises(AssertionError, match="1 of the 2 pages") as failure:
        check_html({"fine page": VALID, "broken page": BROKEN})
    assert "broken page" in str(failure.value) and "fine page" not in str(failure.value)
