"""The main pages on a phone (390 px), with the demo data, in English and Ukrainian: none
scrolls sideways (the `page` fixture checks each), each page's main action is on the screen
rather than off to the side, growth charts keep legible labels, and the content calendar
reads as a list of days.

With GUILDHALL_SCREENSHOTS set to a folder, each page leaves a screenshot there."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo import DEMO_PASSWORD

WORDS = {
    "en": {
        "request": "Request this book", "register": "Register", "reply": "Reply",
        "new post": "New post", "save profile": "Save profile", "final report": "Final report",
        "show report": "Show report", "csv": "Download CSV", "attendance": "Save attendance",
        "make leader": "Make leader", "make smm": "Make SMM", "sign in": "Sign in",
        "days": "Planned posts by day", "upload logo": "Upload logo", "join": "Sign in to join",
        "record": re.compile("^(Record publication|Update figures) "),
    },
    "uk": {
        "request": "Запросити цю книгу", "register": "Зареєструватися", "reply": "Відповісти",
        "new post": "Новий допис", "save profile": "Зберегти профіль",
        "final report": "Підсумковий звіт", "show report": "Показати звіт",
        "csv": "Завантажити CSV", "attendance": "Зберегти відвідуваність",
        "make leader": "Зробити лідером", "make smm": "Зробити SMM", "sign in": "Увійти",
        "days": "Заплановані публікації за днями", "upload logo": "Завантажити логотип",
        "join": "Увійдіть, щоб приєднатися",
        "record": re.compile("^(Записати публікацію|Оновити показники) "),
    },
}  # fmt: skip
PM = "/communities/project-managers"
# Who opens which page, and the page's main action (a button or link by its words), if any.
WALK = {
    None: [("/public/initiatives/1", "request"), (f"{PM}/public", "join")],
    "ivan.koval@example.com": [  # a member of Project Managers, not yet registered for event 2
        ("/", None), ("/initiatives/1", "request"), ("/events/2", "register"),
        ("/communities/", None), (PM, None), (f"{PM}/posts", "new post"),
        (f"{PM}/posts/2", "reply"),
        ("/notifications", None), ("/me", "save profile"),
    ],
    "olena@example.com": [
        ("/initiatives/1/leads", "csv"), ("/events/1/attendees", "attendance"),
        (f"{PM}/members", "make leader"), (f"{PM}/edit", "upload logo"),
        (f"{PM}/report", "show report"),
        ("/promotions/1/results", "csv"),
    ],
    "smm@example.com": [
        ("/promotions/", None), ("/promotions/calendar", None),
        ("/promotions/calendar?view=month", None), ("/promotions/3", "record"),
        ("/promotions/1/outcome", "final report"), ("/reports/", "show report"),
    ],
    "admin@example.com": [("/admin/users", "make smm")],
}  # fmt: skip
SCREENS = os.environ.get("GUILDHALL_SCREENSHOTS")


def on_screen(locator) -> dict:
    """Scroll the window (only) down to the element; is it drawn inside the screen's width?"""
    return locator.evaluate(
        """element => {
            const top = element.getBoundingClientRect().top + window.scrollY - 80;
            window.scrollTo({left: 0, top: Math.max(0, top), behavior: "instant"});
            const box = element.getBoundingClientRect();
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            const hit = document.elementFromPoint(x, y);
            return {left: Math.round(box.left), right: Math.round(box.right),
                    drawn: hit !== null && (hit === element || element.contains(hit))};
        }"""
    )


def legible_chart(page) -> list[str]:
    """Each shown chart's labels: at least 11 px tall on the screen, neighbours apart."""
    return page.evaluate(
        """() => [...document.querySelectorAll('figure svg')]
            .filter(svg => svg.getClientRects().length)  // the drawing shown at this width
            .flatMap(svg => {
                const labels = [...svg.querySelectorAll('text')]
                    .map(t => t.getBoundingClientRect());
                const small = labels.filter(r => r.height < 11)
                    .map(r => `${r.height.toFixed(1)} px tall`);
                const bottom = labels.filter(r => r.top > svg.getBoundingClientRect().bottom - 30)
                    .sort((a, b) => a.left - b.left);
                const crowded = bottom.slice(1).filter((r, i) => r.left < bottom[i].right + 2)
                    .map(() => 'labels overlap');
                return [...small, ...crowded];
            })"""
    )


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_main_pages_fit_a_phone_and_keep_their_main_action_on_screen(page, demo_site, language):
    words = WORDS[language]
    page.set_viewport_size({"width": 390, "height": 844})
    misplaced, shots = [], 0
    for who, visits in WALK.items():
        page.context.clear_cookies()
        page.goto("/signin")
        if language != "en":  # the footer's choice, kept by the session through signing in
            page.get_by_label("Language").select_option(language)
            page.get_by_role("button", name="Change language").click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        if who:
            page.locator("input[name=email]").fill(who)
            page.locator("input[name=password]").fill(DEMO_PASSWORD)
            page.get_by_role("button", name=words["sign in"]).click()
            page.wait_for_load_state()
        for address, action in visits:
            page.goto(address)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if action:
                name, exact = words[action], isinstance(words[action], str)
                target = page.get_by_role("button", name=name, exact=exact).or_(
                    page.get_by_role("link", name=name, exact=exact)
                )
                expect(target.first).to_be_attached()
                where = on_screen(target.first)
                if where["left"] < 0 or where["right"] > 390 or not where["drawn"]:
                    misplaced.append(f"{address}: {action!r} at {where}")
            if problems := legible_chart(page):
                misplaced.append(f"{address}: chart {problems}")
            if address.startswith("/promotions/calendar"):  # a list of days, not a grid
                expect(page.get_by_role("table", name=words["days"])).to_be_hidden()
                expect(page.locator(".calendar-agenda")).to_be_visible()
            if SCREENS:
                shots += 1
                Path(SCREENS).mkdir(parents=True, exist_ok=True)
                name = f"phone-{language}-{shots:02d}{address.replace('/', '_').replace('?', '_')}"
                page.screenshot(path=Path(SCREENS) / f"{name}.png", full_page=True)
    assert not misplaced, "Not on a phone's screen: " + " | ".join(misplaced)


@pytest.mark.parametrize("width", [1280, 800])
def test_the_calendars_month_shows_all_seven_days_side_by_side_on_a_wide_screen(
    page, demo_site, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/signin")
    page.get_by_label("Email").fill("smm@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/promotions/calendar?view=month")
    days = page.get_by_role("table", name="Planned posts by day").get_by_role("columnheader")
    expect(days).to_have_count(7)
    expect(days.last).to_have_text("Sun")
    for day in days.all():  # every day on the screen: none hidden in a sideways scroll
        expect(day).to_be_in_viewport(ratio=1)
    expect(page.locator(".calendar-agenda")).to_be_hidden()


# Wide tables that stack into rows on a phone rather than scroll inside their own box.
STACKED = {
    "olena@example.com": [f"{PM}/report"],
    "smm@example.com": ["/reports/"],
    "admin@example.com": ["/admin/audit"],
}


def table_boxes(page) -> list[dict]:
    """Each shown table of the page: does its box scroll sideways? And the wide ones (in a
    scrolling box on a wide screen): are they stacked into rows?"""
    return page.evaluate(
        """() => [...document.querySelectorAll('main table')]
            .filter(table => table.getClientRects().length)
            .map(table => {
                const scroller = table.closest('.table-responsive');
                const box = scroller || table;
                const caption = table.caption && table.caption.getBoundingClientRect();
                return {caption: (table.caption || table.tHead || table).textContent.trim()
                            .slice(0, 40),
                        // a caption shown narrower than its table: a word or two a line
                        narrow_caption: caption !== null && caption.width > 1
                            && caption.width < table.getBoundingClientRect().width * 0.9,
                        stacked: !scroller || getComputedStyle(table).display === 'block',
                        overflow: box.scrollWidth - box.clientWidth};
            })"""
    )


def test_report_and_audit_tables_stack_into_rows_on_a_phone_and_still_sort(page, demo_site):
    page.set_viewport_size({"width": 390, "height": 844})
    boxed, squeezed = [], []
    for who, addresses in STACKED.items():
        page.context.clear_cookies()
        page.goto("/signin")
        page.locator("input[name=email]").fill(who)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        for address in addresses:
            page.goto(address)
            tables = table_boxes(page)
            assert tables, f"{address}: no table shown"
            if address == "/reports/":  # its headings sort it; hidden on a phone, so:
                sort_by = page.get_by_role("navigation", name="Sort by")
                expect(sort_by.get_by_role("link", name="Growth")).to_be_visible()
            boxed += [
                f"{address}: {table['caption']!r}"
                for table in tables
                if not table["stacked"] or table["overflow"] > 0
            ]
            squeezed += [f"{address}: {t['caption']!r}" for t in tables if t["narrow_caption"]]
    assert not boxed, "Tables that scroll in their box on a phone: " + " | ".join(boxed)
    assert not squeezed, "Captions squeezed beside stacked rows: " + " | ".join(squeezed)
