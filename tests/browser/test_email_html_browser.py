"""The HTML part of every e-mail, rendered by Chromium as a webmail would show it: on a
phone (390 px) and a desktop (1280 px), light and dark, in English and Ukrainian.

Each rendering must fit the width, pass axe-core's WCAG 2.1 AA checks (colour contrast
included, in both schemes) and show its button. With EMAIL_SHOTS=<folder> the HTML and
screenshots are written there, to look at and to give to the W3C Nu checker.
"""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import check_accessibility
from tests.test_email_html_factories import every_message

SHOTS = os.environ.get("EMAIL_SHOTS")
WIDTHS = (390, 1280)


@pytest.mark.parametrize("locale", ["en", "uk"])
def test_every_html_message_renders_on_phones_and_desktops_light_and_dark(world, browser, locale):
    messages = every_message(world, locale)
    context = browser.new_context()  # no network: e-mail carries no scripts and no requests
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())
    try:
        for template, queued in messages.items():
            _keep(f"html/{locale}/{template}.html", queued.html_body)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.set_content(queued.html_body)
                    where = f"{template} {locale} {scheme} {width}px"
                    overflow = page.evaluate("document.documentElement.scrollWidth")
                    assert overflow <= width, f"{where}: {overflow}px wide"
                    check_accessibility(page)
                    background = page.evaluate(
                        "getComputedStyle(document.querySelector('.gh-card')).backgroundColor"
                    )
                    dark_card = background == "rgb(31, 41, 55)"
                    assert dark_card == (scheme == "dark"), f"{where}: card {background}"
                    if template != "weekly_digest":
                        assert page.locator("a.gh-button").is_visible(), where
                    if SHOTS:
                        name = f"{template}_{locale}_{scheme}_{width}.png"
                        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)
    finally:
        context.close()


def _keep(name: str, text: str) -> None:
    if SHOTS:
        path = Path(SHOTS) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
