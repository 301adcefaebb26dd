"""Template helpers for Banzi's pages: links only to what the user may open, filter counts."""
from django import template

from banzi.core import system_texts

register = template.Library()


@register.filter
def visible_url(obj, user):
    """The record's page if the user may open it, else "" (so a page never links to a 404)."""
    if obj is None or not hasattr(obj, "get_absolute_url"):
        return ""
    manager = getattr(type(obj), "_default_manager", None)
    if manager is None or not hasattr(manager.all(), "visible_to"):
        return obj.get_absolute_url()
    if not manager.all().visible_to(user).filter(pk=obj.pk).exists():
        return ""
    return obj.get_absolute_url()


@register.simple_tag
def active_filter_count(form, *ignore):
    """How many of a filter form's fields, other than those named, hold a value."""
    data = getattr(form, "data", None) or {}
    count = 0
    for name in form.fields:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if name not in ignore and any(values):
            count += 1
    return count


@register.filter
def system_text(value):
    """A stored text in the reader's language when the system wrote it (core.system_texts)."""
    return system_texts.shown(value)


@register.filter
def person(user):
    """A user as people know them (`User.display_name`), never the username."""
    return getattr(user, "display_name", user) if user is not None else ""
