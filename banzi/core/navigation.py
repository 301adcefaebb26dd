"""The navigation menu. Each app adds its entries in its AppConfig.ready(); an entry appears only
for users whose role may see it, so the menu grows as modules land and holds no placeholders."""
from dataclasses import dataclass, field

from django.urls import reverse

from .roles import BUSINESS, has_role


@dataclass
class MenuItem:
    label: str
    url_name: str
    roles: set | None = None  # None: every signed-in user of the business (not the administrators)


@dataclass
class MenuGroup:
    label: str
    order: int
    items: list = field(default_factory=list)


_groups: dict[str, MenuGroup] = {}


def register(group_key, group_label, order, *items):
    group = _groups.setdefault(group_key, MenuGroup(group_label, order))
    group.items.extend(items)


def _allowed(user, item):
    """Whether the user's role opens the entry; `is_superuser` opens nothing, and the administrators
    (三员分立) see only the entries that name their role."""
    roles = BUSINESS if item.roles is None else item.roles
    return has_role(user, roles)


def label_for(url_name):
    """The menu's label of the page at `url_name`, or None if no entry opens it."""
    for group in _groups.values():
        for item in group.items:
            if item.url_name == url_name:
                return item.label
    return None


def menu_for(user, path=""):
    """The groups and entries this user may open; the entry whose page holds `path` is active."""
    menu = []
    for group in sorted(_groups.values(), key=lambda g: g.order):
        items = []
        for item in group.items:
            if _allowed(user, item):
                url = reverse(item.url_name)
                items.append({"label": item.label, "url": url, "active": bool(path) and path.startswith(url)})
        if items:
            menu.append({"label": group.label, "items": items, "active": any(i["active"] for i in items)})
    return menu
