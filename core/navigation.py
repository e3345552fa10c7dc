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


# --- the home page ------------------------------------------------------------------------

# Where a signed-in person starts (after signing in, at "/"). Core and accounts link
# here without naming the feature that serves it; that feature names itself with
# `set_home_page`. Until one does, the start page is the home page.
_home = {"endpoint": "core.index"}


def set_home_page(endpoint: str) -> None:
    _home["endpoint"] = endpoint


def home_endpoint() -> str:
    return _home["endpoint"]


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
