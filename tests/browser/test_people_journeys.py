"""A person's own place, with the demo data, in English and Ukrainian, on a wide screen and
a phone's: a join request reaches the leader's home and its approval reaches the member's
bell; a person's own time zone sets the times an event page shows.

With GUILDHALL_SCREENSHOTS set to a folder, each step leaves a screenshot there."""

import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.extensions import db
from demo import DEMO_PASSWORD
from events.models import Event
from tests.browser.conftest import open_main_menu, open_person_menu
from tests.conftest import PASSWORD, make_user

WORDS = {
    "en": {
        "language": "Language", "change language": "Change language", "menu": "Toggle navigation",
        "email": "Email", "password": "Password", "sign in": "Sign in", "sign out": "Sign out",
        "settings": "Settings",
        "signed in": "Signed in as", "signed out": "Signed out.",
        "communities": "Communities", "events": "Events", "notifications": "Notifications",
        "request to join": "Request to join", "leave": "Leave",
        "requested": "Your request to join is waiting for approval.",
        "needs you": "Needs you", "approve": "Approve", "asks": "{name} asks to join {community}",
        "now a member": "{name} is now a member.", "mark all": "Mark all as read",
        "approved": "You are now a member of {community}",
        "time zone": "Time zone", "save profile": "Save profile",
    },
    "uk": {
        "language": "Мова", "change language": "Змінити мову", "menu": "Показати або сховати меню",
        "email": "Електронна пошта", "password": "Пароль", "sign in": "Увійти",
        "sign out": "Вийти з облікового запису",
        "settings": "Налаштування", "signed in": "Ви увійшли як",
        "signed out": "Ви вийшли.", "communities": "Спільноти", "events": "Події",
        "notifications": "Сповіщення", "request to join": "Подати заявку", "leave": "Вийти",
        "requested": "Ваша заявка на вступ чекає на схвалення.",
        "needs you": "Чекає на вас", "approve": "Схвалити",
        "asks": "{name} просить приєднатися до {community}",
        "now a member": "{name} тепер учасник спільноти.",
        "mark all": "Позначити все як прочитане",
        "approved": "Тепер ви учасник спільноти {community}",
        "time zone": "Часовий пояс", "save profile": "Зберегти профіль",
    },
}  # fmt: skip
WIDTHS = {"wide": 1280, "phone": 390}
SCREENS = os.environ.get("GUILDHALL_SCREENSHOTS")

EMPLOYEE = ("dmytro.tkachenko@example.com", "Dmytro Tkachenko")  # in no approval community
LEADER = "olena@example.com"  # leads QA Guild, the demo's approval community


class Person:
    """A person at the browser, reading the site in `language` on a screen `width` wide."""

    def __init__(self, page, language: str, width: int, journey: str):
        self.page, self.language, self.words = page, language, WORDS[language]
        self.name = f"{journey}-{language}-{width}"
        self.steps, self.narrow = 0, width < 992  # Bootstrap's lg: the menu folds below it
        page.set_viewport_size({"width": width, "height": 844 if width < 768 else 800})

    def say(self, key: str, **names) -> str:
        return self.words[key].format(**names)

    def shot(self, step: str) -> None:
        """A step seen: nothing runs off the screen's width; a screenshot if asked for."""
        scrolled, wide = self.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scrolled <= wide, f"{self.page.url} is {scrolled} px wide on a {wide} px screen"
        self.steps += 1
        if SCREENS:
            Path(SCREENS).mkdir(parents=True, exist_ok=True)
            path = Path(SCREENS) / f"{self.name}-{self.steps:02d}-{step}.png"
            self.page.screenshot(path=path, full_page=True)

    def menu_button(self):
        return self.page.get_by_role("button", name=self.say("menu"))

    def open_menu(self) -> None:
        open_main_menu(self.page)

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        page = self.page
        page.goto("/signin")
        shown = page.locator("html").get_attribute("lang")
        if shown != self.language:  # switched with the footer's words in the page's language
            page.get_by_label(WORDS[shown]["language"]).select_option(self.language)
            page.get_by_role("button", name=WORDS[shown]["change language"]).click()
            expect(page.locator("html")).to_have_attribute("lang", self.language)
        page.get_by_label(self.say("email")).fill(email)
        page.get_by_label(self.say("password")).fill(password)
        page.get_by_role("button", name=self.say("sign in")).click()
        expect(page.get_by_role("alert")).to_contain_text(self.say("signed in"))

    def sign_out(self) -> None:
        self.open_menu()
        open_person_menu(self.page)
        self.page.get_by_role("button", name=self.say("sign out"), exact=True).click()
        expect(self.page.get_by_role("alert")).to_have_text(self.say("signed out"))

    def unread(self) -> int:
        """The bell's unread count now (0 without a badge)."""
        badge = self.bell().locator(".badge")
        return int(badge.inner_text()) if badge.count() else 0

    def bell(self):
        return self.page.get_by_role("link", name=re.compile("^" + self.say("notifications")))


JOURNEYS_A = [("en", "wide"), ("uk", "phone")]
JOURNEYS_B = [("en", "phone"), ("uk", "wide")]


@pytest.mark.parametrize(("language", "screen"), JOURNEYS_A)
def test_a_join_request_reaches_the_leaders_home_and_the_approval_the_members_bell(
    page, demo_site, language, screen
):
    person = Person(page, language, WIDTHS[screen], "join")
    employee_email, employee = EMPLOYEE

    person.sign_in(employee_email)
    person.open_menu()
    unread_before = person.unread()  # the demo may have told them of other things already
    page.get_by_role("link", name=person.say("communities"), exact=True).click()
    page.get_by_role("link", name="QA Guild").click()
    page.get_by_role("button", name=person.say("request to join")).click()
    expect(page.get_by_text(person.say("requested"))).to_be_visible()
    person.shot("employee-requested")
    person.sign_out()

    person.sign_in(LEADER)
    expect(page).to_have_url(re.compile(r"/$"))
    needs_you = page.get_by_role("region", name=person.say("needs you"))
    request = needs_you.get_by_role("listitem").filter(
        has_text=person.say("asks", name=employee, community="QA Guild")
    )
    expect(request).to_be_visible()
    person.shot("leader-home-needs-you")
    request.get_by_role("button", name=person.say("approve")).click()
    expect(page.get_by_text(person.say("now a member", name=employee))).to_be_visible()
    expect(request).to_have_count(0)
    person.shot("leader-approved")
    # The leader was told of the request too: "Mark all as read" clears the bell.
    person.open_menu()
    expect(person.bell().locator(".badge")).to_be_visible()
    person.bell().click()
    page.get_by_role("button", name=person.say("mark all")).click()
    person.open_menu()
    expect(person.bell().locator(".badge")).to_have_count(0)
    expect(page.get_by_role("button", name=person.say("mark all"))).to_have_count(0)
    person.shot("leader-all-read")
    person.sign_out()

    person.sign_in(employee_email)
    told = str(unread_before + 1)
    if person.narrow:  # the folded menu's button shows the count too
        expect(person.menu_button()).to_contain_text(told)
        person.shot("employee-menu-button-1")
    person.open_menu()
    expect(person.bell().locator(".badge")).to_have_text(told)
    person.shot("employee-bell-1")
    person.bell().click()
    person.shot("employee-notifications")
    page.get_by_role("button", name=person.say("approved", community="QA Guild")).click()
    expect(page).to_have_url(re.compile(r"/communities/qa-guild$"))
    expect(page.get_by_role("heading", name="QA Guild", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=person.say("leave"), exact=True)).to_be_visible()
    person.open_menu()
    if unread_before:  # opening the approval read it: one fewer
        expect(person.bell().locator(".badge")).to_have_text(str(unread_before))
    else:
        expect(person.bell().locator(".badge")).to_have_count(0)
    person.shot("employee-community")


def new_york_start(title: str) -> str:
    """The event's start on New York's clocks, "11:00"."""
    event = db.session.execute(select(Event).where(Event.title == title)).scalar_one()
    return f"{event.starts_at.astimezone(ZoneInfo('America/New_York')):%H:%M}"


@pytest.mark.parametrize(("language", "screen"), JOURNEYS_B)
def test_a_person_in_new_york_reads_event_times_on_new_york_clocks(
    page, demo_site, language, screen
):
    person = Person(page, language, WIDTHS[screen], "zone")
    title = "Saturday park run"
    expected = demo_site.setup(lambda: new_york_start(title))

    person.sign_in("employee@example.com")
    person.open_menu()
    open_person_menu(page)  # the person menu: Profile, Settings, Sign out
    page.get_by_role("link", name=person.say("settings"), exact=True).click()
    page.get_by_label(person.say("time zone")).select_option("America/New_York")
    person.shot("settings-time-zone")
    page.get_by_role("button", name=person.say("save profile")).click()
    expect(page.get_by_label(person.say("time zone"))).to_have_value("America/New_York")

    person.open_menu()
    page.get_by_role("link", name=person.say("events"), exact=True).click()
    page.get_by_role("link", name=title).click()
    when = page.get_by_text("(America/New_York)")
    expect(when).to_be_visible()
    expect(when).to_contain_text(f", {expected}–")
    expect(when).to_contain_text("Europe/Kyiv")  # planned there: its own time named once
    about = {"en": "About", "uk": "Про подію"}[language]
    expect(page.get_by_role("heading", name=about, exact=True)).to_be_visible()
    person.shot("event-new-york")


def test_the_longest_menu_wraps_on_a_wide_screen_and_runs_off_no_screen(page, live_server):
    # An admin who is also SMM has every menu entry; in Ukrainian they are at their longest,
    # and a long name is cut short with an ellipsis.
    name = "Iryna Oleksandrivna Kovalenko-Shevchenko-Bondarenko-Tkachenko"
    live_server.setup(lambda: make_user("ira@example.com", name, is_admin=True, is_smm=True))
    for width in (1280, 390):
        person = Person(page, "uk", width, "menu")
        page.context.clear_cookies()
        person.sign_in("ira@example.com", PASSWORD)
        person.open_menu()
        open_person_menu(page)
        expect(page.get_by_role("button", name=person.say("sign out"))).to_be_in_viewport()
        person.shot("admin-menu")
