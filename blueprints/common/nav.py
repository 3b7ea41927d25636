"""Navigation by role. Each blueprint registers its entries; the base template shows the allowed ones."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import LazyString


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString
    allowed: Callable[[object], bool]
    order: int = 50


_ITEMS: list[NavItem] = []


def register_nav(endpoint: str, label: LazyString, allowed: Callable[[object], bool], order=50):
    if all(item.endpoint != endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(endpoint, label, allowed, order))
        _ITEMS.sort(key=lambda item: item.order)


def navigation_for(user) -> list[dict]:
    if not user or not user.is_authenticated:
        return []
    items = [
        {"endpoint": item.endpoint, "label": item.label, "url": url_for(item.endpoint)}
        for item in _ITEMS
        if item.allowed(user)
    ]
    # The current entry: the one whose URL is the longest prefix of this page's path.
    path = request.path
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    current = max(matches, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["current"] = item is current
    return items


class LazyNavigation:
    """The navigation of a full page, built on first use and once: fragments never iterate it,
    so they pay for no URL building and no role look-ups."""

    def __init__(self, user):
        self._user = user
        self._items: list[dict] | None = None

    def _built(self) -> list[dict]:
        if self._items is None:
            self._items = navigation_for(self._user)
        return self._items

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

    def __bool__(self) -> bool:
        return bool(self._built())
