"""Main navigation: each feature adds its entries, shown to those allowed; one feature
names the signed-in person's home page, and another invites visitors in from the start
page. Core links to all of them without naming the features that serve them."""

from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    action: str  # the permission that shows the entry
    order: int


_items: list[NavItem] = []


def add_nav_item(endpoint: str, label, action: str, order: int) -> None:
    if all(item.endpoint != endpoint for item in _items):
        _items.append(NavItem(endpoint, label, action, order))
        _items.sort(key=lambda item: item.order)


def nav_items() -> list[NavItem]:
    return list(_items)


# --- the admin menu -----------------------------------------------------------------------

# Pages for running the site (people, audit log, e-mail, moderation, ...): one "Admin" menu
# in the header, and the /admin page that lists them when the menu cannot open.
_admin_items: list[NavItem] = []


def add_admin_item(endpoint: str, label, action: str, order: int) -> None:
    if all(item.endpoint != endpoint for item in _admin_items):
        _admin_items.append(NavItem(endpoint, label, action, order))
        _admin_items.sort(key=lambda item: item.order)


def admin_items() -> list[NavItem]:
    return list(_admin_items)


# --- the home page ------------------------------------------------------------------------

# What a signed-in person sees at "/" (core serves the address, so it never changes).
# The feature that builds the page names its view with `set_home_page`; until one does,
# the start page is all there is.
_home: dict = {"view": None}


def set_home_page(view) -> None:
    _home["view"] = view


def home_page():
    """The home page's view function, or None."""
    return _home["view"]


def home_endpoint() -> str:
    return "core.index"


def home_url(**values) -> str:
    return url_for(home_endpoint(), **values)


# --- the start page's invitations ---------------------------------------------------------


@dataclass(frozen=True)
class StartAction:
    endpoint: str
    label: str
    primary: bool


_start_actions: list[StartAction] = []


def add_start_action(endpoint: str, label, primary: bool = False) -> None:
    """A button on the signed-out start page ("Sign in"), in the order they are added."""
    if all(action.endpoint != endpoint for action in _start_actions):
        _start_actions.append(StartAction(endpoint, label, primary))


def start_actions() -> list[StartAction]:
    return list(_start_actions)
