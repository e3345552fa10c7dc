"""Main navigation: each feature adds its entries, shown to those allowed."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


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


add_nav_item("community.directory", _l("Communities"), "site.browse", 10)
