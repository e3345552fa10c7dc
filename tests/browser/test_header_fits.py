"""The header keeps to one row from 992 px (Bootstrap's lg, where the menu unfolds) up, for
every role in English and Ukrainian: the brand, the main links, the search box and the
right-hand menus all sit side by side, and the search box stays wide enough to type in."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from demo import DEMO_PASSWORD
from tests.test_nu_html_people import ROLES  # each role's demo account (None: a visitor)

WIDTHS = (992, 1100, 1280, 1400)
SCREENS = os.environ.get("GUILDHALL_SCREENSHOTS")

# The navbar's items (brand, each main link, the search form, each right-hand item): where
# each one's top and bottom are, the header's height and the search box's width.
MEASURE = """() => {
  const nav = document.querySelector('header nav.navbar');
  const items = [nav.querySelector('.navbar-brand'),
    ...nav.querySelectorAll('#main-nav > .navbar-nav > .nav-item, #main-nav > form')];
  return {
    header: Math.round(nav.getBoundingClientRect().height),
    search: Math.round(nav.querySelector('#site-search').getBoundingClientRect().width),
    items: items.map(e => { const r = e.getBoundingClientRect();
      return {name: (e.innerText || e.className).trim().slice(0, 30), width: Math.round(r.width),
              top: Math.round(r.top), bottom: Math.round(r.bottom)}; }),
  };
}"""


def switch_language(page, language: str) -> None:
    """The footer's form, as a person would (its words are in the page's language)."""
    if page.locator("html").get_attribute("lang") != language:
        page.locator("#language-switch").select_option(language)
        page.locator("footer form button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.wait_for_load_state("load")  # its style sheets too


def names_kept(page, signed_in: bool) -> None:
    """Where the bell and the search button are icons, their names stay (and the brand's)."""
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Guildhall", exact=True)).to_be_visible()
    if signed_in:
        bell = page.get_by_role("link", name=re.compile(r"^Notifications( \d+ unread)?$"))
        expect(bell).to_be_visible()


def one_row(measured: dict) -> bool:
    """Every item's middle at the same height (within a few pixels): one row."""
    middles = [(item["top"] + item["bottom"]) / 2 for item in measured["items"]]
    return max(middles) - min(middles) <= 4


def test_the_header_keeps_to_one_row_for_every_role_and_language(browser, demo_site):
    problems = []
    for role, email in ROLES.items():
        context = browser.new_context(base_url=demo_site.url, locale="en-GB")
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        if email:
            page.goto("/signin")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator("#person-menu")).to_be_visible()
        page.goto("/communities/", wait_until="load")
        for language in ("en", "uk"):
            switch_language(page, language)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                measured = page.evaluate(MEASURE)
                if not one_row(measured) or measured["search"] < 160:
                    problems.append(f"{role}/{language}/{width}: {measured}")
                if language == "en" and width == 992:  # icons here, with their names
                    names_kept(page, signed_in=bool(email))
                if SCREENS and role == "admin" and language == "uk":
                    Path(SCREENS).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=Path(SCREENS) / f"header-{role}-{language}-{width}.png")
        context.close()
    assert not problems, "The header is not one row:\n" + "\n".join(problems)
